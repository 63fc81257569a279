//! Folders given to Drive: from the "Upload folder" picker (each file's
//! `webkitRelativePath`) or dropped (the File and Directory Entries API, read while the
//! drop event lasts, then walked). Each file comes with the folders it goes in, from the
//! one given down.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

/// A file to upload and the folders (names, outermost first) it goes in.
pub struct Entry {
    /// The folders, from the one given down.
    pub dirs: Vec<String>,
    /// The file.
    pub file: File,
}

/// Files picked one by one, or a folder picked whole: the folders come from each file's
/// relative path (`Reports/2026/q3.pdf`).
pub fn from_picked(files: Vec<File>) -> Vec<Entry> {
    files
        .into_iter()
        .map(|file| {
            let path = Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let mut dirs: Vec<String> = path.split('/').map(str::to_owned).collect();
            dirs.pop();
            dirs.retain(|d| !d.is_empty());
            Entry { dirs, file }
        })
        .collect()
}

/// What was dropped, taken while the drop event lasts (the entries are gone after it).
pub fn dropped(dt: &DataTransfer) -> Vec<FileSystemEntry> {
    let items = dt.items();
    (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|it| it.kind() == "file")
        .filter_map(|it| it.webkit_get_as_entry().ok().flatten())
        .collect()
}

/// Calls `obj.method(resolve, reject)` and waits for one of them.
async fn callback(obj: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(obj, &method.into())?.dyn_into()?;
    let obj = obj.clone();
    let p = Promise::new(&mut |resolve, reject| {
        let _ = f.call2(&obj, &resolve, &reject);
    });
    JsFuture::from(p).await
}

/// Walks dropped entries: files at the top go in no folder, a folder's files in it.
pub async fn walk(top: Vec<FileSystemEntry>) -> Result<Vec<Entry>, JsValue> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<String>, FileSystemEntry)> =
        top.into_iter().rev().map(|e| (Vec::new(), e)).collect();
    while let Some((dirs, entry)) = stack.pop() {
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.clone().unchecked_into();
            let reader: JsValue = dir.create_reader().into();
            let mut inner = dirs.clone();
            inner.push(entry.name());
            // readEntries answers in batches until an empty one.
            let mut children = Vec::new();
            loop {
                let batch: Array = callback(&reader, "readEntries").await?.dyn_into()?;
                if batch.length() == 0 {
                    break;
                }
                children.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
            }
            for c in children.into_iter().rev() {
                stack.push((inner.clone(), c));
            }
        } else {
            let fe: FileSystemFileEntry = entry.unchecked_into();
            let file: File = callback(&fe.into(), "file").await?.dyn_into()?;
            out.push(Entry { dirs, file });
        }
    }
    Ok(out)
}

/// The files of a `FileList` (a file input's, a drop's).
pub fn file_list(list: web_sys::FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
