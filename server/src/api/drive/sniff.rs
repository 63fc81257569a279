//! A file's type, from its first bytes (the `infer` crate's signatures), never from what
//! the uploader said. Text is recognised as valid UTF-8 without NUL bytes; a `.md` name
//! makes text Markdown. Downloads send the type only if it is on [`SAFE`].

/// Types a download may carry as its `Content-Type`: none of them runs script in a
/// browser (no HTML, no SVG, no XML). Everything else goes out as
/// `application/octet-stream`.
pub const SAFE: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
    "application/pdf",
    "text/plain",
    "text/markdown",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/x-flac",
    "audio/aac",
    "audio/m4a",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "application/zip",
];

/// The type of a file that starts with `head` (its first segment), named `name`.
pub fn mime(head: &[u8], name: &str) -> Option<String> {
    if let Some(t) = infer::get(head) {
        return Some(t.mime_type().to_owned());
    }
    if is_text(head) {
        let md = name.rsplit_once('.').is_some_and(|(_, e)| {
            e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
        });
        return Some(if md { "text/markdown" } else { "text/plain" }.to_owned());
    }
    None
}

/// UTF-8 without NUL (a character cut at the end of `head` is allowed).
fn is_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

/// `Content-Type` for a download of a file of type `mime`.
pub fn content_type(mime: Option<&str>) -> &'static str {
    match mime.and_then(|m| SAFE.iter().find(|s| **s == m)) {
        Some(&"text/plain") => "text/plain; charset=utf-8",
        Some(&"text/markdown") => "text/markdown; charset=utf-8",
        Some(s) => s,
        None => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(
            mime(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "x.txt").as_deref(),
            Some("image/png")
        );
        assert_eq!(
            mime(b"%PDF-1.7\n", "a.png").as_deref(),
            Some("application/pdf")
        );
        assert_eq!(
            mime("héllo".as_bytes(), "a.bin").as_deref(),
            Some("text/plain")
        );
        assert_eq!(
            mime(b"# Title", "Notes.MD").as_deref(),
            Some("text/markdown")
        );
        assert_eq!(mime(b"a\0b", "a.txt"), None);
        // A character cut by the end of the first segment is still text.
        assert_eq!(
            mime(&"é".as_bytes()[..1], "a").as_deref(),
            Some("text/plain")
        );
    }

    #[test]
    fn html_and_svg_are_never_served_as_such() {
        let html = mime(b"<!doctype html><script>alert(1)</script>", "a.html");
        let svg = mime(
            b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
            "a.svg",
        );
        for m in [html, svg] {
            let ct = content_type(m.as_deref());
            assert!(
                !ct.contains("html") && !ct.contains("svg") && !ct.contains("xml"),
                "{ct}"
            );
        }
        assert_eq!(content_type(Some("text/html")), "application/octet-stream");
        assert_eq!(
            content_type(Some("image/svg+xml")),
            "application/octet-stream"
        );
        assert_eq!(content_type(None), "application/octet-stream");
    }
}
