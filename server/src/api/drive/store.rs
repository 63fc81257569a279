//! Drive's folders, files and versions in the database. Every function runs inside the
//! caller's transaction; those that change an item return it as it is now, for the
//! handler to announce once committed.

use axum::http::StatusCode;
use huddle_protocol::drive::{Item, ItemKind, Usage};

use crate::args;
use crate::db::{enum_value, is_unique_violation, now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

/// The columns [`item_from`] reads, for `FROM drive_items i LEFT JOIN drive_versions v ON
/// v.id = i.current_version_id`.
pub const ITEM_COLUMNS: &str = "i.id, i.workspace_id, i.parent_id, i.kind, i.name, \
    COALESCE(v.size, 0), v.mime, COALESCE(v.number, 0), i.created_by, i.created_at, \
    i.updated_at, i.trashed_at, i.revision, i.channel_id";

/// A row of [`ITEM_COLUMNS`].
pub type ItemRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    i64,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
    i64,
    Option<i64>,
);

/// An item from its row, its name opened.
pub async fn item_from(tx: &mut Tx, row: ItemRow) -> ApiResult<Item> {
    let (
        id,
        workspace_id,
        parent_id,
        kind,
        name,
        size,
        mime,
        version,
        created_by,
        created_at,
        updated_at,
        trashed_at,
        revision,
        channel_id,
    ) = row;
    let name = tx
        .open_name(&Place::new("drive_items", "name", id), &name)
        .await?;
    // The type is one of the server's own sniffed names (see `sniff`), kept plain like
    // the other enumerations.
    Ok(Item {
        id,
        workspace_id,
        parent_id,
        kind: enum_value(&kind, ItemKind::parse)?,
        name,
        size,
        mime,
        version,
        created_by,
        created_at,
        updated_at,
        trashed_at,
        revision,
        channel_id,
    })
}

/// The item `id` (any state).
pub async fn item(tx: &mut Tx, id: i64) -> ApiResult<Item> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM drive_items i \
         LEFT JOIN drive_versions v ON v.id = i.current_version_id WHERE i.id = $1"
    );
    let row: Option<ItemRow> = tx.optional(sqlx::AssertSqlSafe(sql), args![id]).await?;
    item_from(tx, row.ok_or_else(|| ApiError::not_found("item"))?).await
}

/// The items of a folder (`None`: the top) that are not in the trash, folders first, then
/// by name.
pub async fn children(tx: &mut Tx, workspace: i64, folder: Option<i64>) -> ApiResult<Vec<Item>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM drive_items i \
         LEFT JOIN drive_versions v ON v.id = i.current_version_id \
         WHERE i.workspace_id = $1 AND COALESCE(i.parent_id, 0) = COALESCE($2, 0) \
           AND i.channel_id IS NULL AND i.trashed_at IS NULL"
    );
    let rows: Vec<ItemRow> = tx
        .all(sqlx::AssertSqlSafe(sql), args![workspace, folder])
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(item_from(tx, r).await?);
    }
    sort(&mut items);
    Ok(items)
}

/// Folders first, then by name (ignoring case), then by id.
pub fn sort(items: &mut [Item]) {
    items.sort_by_cached_key(|i| (i.kind != ItemKind::Folder, i.name.to_lowercase(), i.id));
}

/// The items put in the trash themselves (not those inside a trashed folder), newest
/// first.
pub async fn trash(tx: &mut Tx, workspace: i64) -> ApiResult<Vec<Item>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM drive_items i \
         LEFT JOIN drive_versions v ON v.id = i.current_version_id \
         WHERE i.workspace_id = $1 AND i.trashed_at IS NOT NULL \
         ORDER BY i.trashed_at DESC, i.id DESC"
    );
    let rows: Vec<ItemRow> = tx.all(sqlx::AssertSqlSafe(sql), args![workspace]).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(item_from(tx, r).await?);
    }
    Ok(items)
}

/// The folders from the top of the drive down to `folder` itself.
pub async fn path(tx: &mut Tx, folder: i64) -> ApiResult<Vec<Item>> {
    let mut out = Vec::new();
    let mut next = Some(folder);
    while let Some(id) = next {
        let it = item(tx, id).await?;
        next = it.parent_id;
        out.push(it);
        if out.len() > 256 {
            return Err(ApiError::internal("drive: a folder chain deeper than 256"));
        }
    }
    out.reverse();
    Ok(out)
}

/// The keyed hash that makes names unique in a folder, ignoring case.
async fn name_key(tx: &mut Tx, workspace: i64, name: &str) -> ApiResult<String> {
    tx.blind(
        Scope::Workspace(workspace),
        "drive-name",
        &name.to_lowercase(),
    )
    .await
}

/// Where an item is: in a folder of the drive (`None`: at its top), or in a channel (a
/// message's attachment, in no folder).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A folder, or the top of the drive.
    Folder(Option<i64>),
    /// A channel's files.
    Channel(i64),
}

impl Location {
    /// `(parent_id, channel_id)`.
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Location::Folder(f) => (f, None),
            Location::Channel(c) => (None, Some(c)),
        }
    }
}

/// Whether no item at `at` that is not in the trash is named `name` (ignoring case).
/// The files of a channel share no name space: any name is free there.
pub async fn name_free(tx: &mut Tx, workspace: i64, at: Location, name: &str) -> ApiResult<bool> {
    let Location::Folder(folder) = at else {
        return Ok(true);
    };
    let key = name_key(tx, workspace, name).await?;
    let found: Option<(i64,)> = tx
        .optional(
            "SELECT id FROM drive_items WHERE workspace_id = $1 \
               AND COALESCE(parent_id, 0) = COALESCE($2, 0) AND channel_id IS NULL \
               AND name_key = $3 AND trashed_at IS NULL",
            args![workspace, folder, key],
        )
        .await?;
    Ok(found.is_none())
}

/// Ok for an item of the drive; 409 `ATTACHMENT` for a file of a channel, which is
/// changed (and deleted) only through its message.
pub fn in_drive(it: &Item) -> ApiResult<()> {
    if it.channel_id.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "ATTACHMENT",
            "this file is attached to a message: it changes only with its message",
        ));
    }
    Ok(())
}

fn name_taken(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "NAME_TAKEN",
        format!("there is already an item named \u{201c}{name}\u{201d} in this folder"),
    )
}

/// Checks that `folder` is a folder of `workspace` that is not in the trash (nor inside a
/// folder that is): 404 otherwise.
pub async fn check_folder(tx: &mut Tx, workspace: i64, folder: Option<i64>) -> ApiResult<()> {
    let Some(id) = folder else { return Ok(()) };
    let chain = path(tx, id)
        .await
        .map_err(|_| ApiError::not_found("folder"))?;
    let it = chain.last().expect("a path ends at its folder");
    if it.workspace_id != workspace
        || it.kind != ItemKind::Folder
        || chain.iter().any(|f| f.trashed_at.is_some())
    {
        return Err(ApiError::not_found("folder"));
    }
    Ok(())
}

/// Creates a folder.
pub async fn create_folder(
    tx: &mut Tx,
    workspace: i64,
    me: i64,
    parent: Option<i64>,
    name: &str,
) -> ApiResult<Item> {
    check_folder(tx, workspace, parent).await?;
    let at = Location::Folder(parent);
    insert(tx, workspace, me, at, ItemKind::Folder, name, None).await
}

/// Inserts an item (a file with its current version). Only items of the drive are
/// indexed for its search.
pub async fn insert(
    tx: &mut Tx,
    workspace: i64,
    me: i64,
    at: Location,
    kind: ItemKind,
    name: &str,
    version: Option<i64>,
) -> ApiResult<Item> {
    let key = name_key(tx, workspace, name).await?;
    let t = now();
    let (parent, channel) = at.columns();
    let inserted: Result<(i64,), sqlx::Error> = tx
        .one(
            "INSERT INTO drive_items (workspace_id, parent_id, kind, name, name_key, \
               current_version_id, created_by, created_at, updated_at, channel_id) \
             VALUES ($1, $2, $3, '', $4, $5, $6, $7, $7, $8) RETURNING id",
            args![
                workspace,
                parent,
                kind.as_str(),
                key,
                version,
                me,
                t,
                channel
            ],
        )
        .await;
    let (id,) = match inserted {
        Err(e) if is_unique_violation(&e) => return Err(name_taken(name)),
        r => r?,
    };
    let sealed = tx
        .seal(
            Scope::Workspace(workspace),
            &Place::new("drive_items", "name", id),
            name,
        )
        .await?;
    tx.execute(
        "UPDATE drive_items SET name = $2 WHERE id = $1",
        args![id, sealed],
    )
    .await?;
    if channel.is_none() {
        crate::api::search::store::index_drive_item(tx, workspace, id, name).await?;
    }
    item(tx, id).await
}

/// `name` with a number before its extension: `notes (2).txt`, `Photos (3)`.
pub fn numbered(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

/// `wanted` if no item at `at` has that name, else the first free of `stem (2).ext`,
/// `stem (3).ext`, …
pub async fn free_name(
    tx: &mut Tx,
    workspace: i64,
    at: Location,
    wanted: &str,
) -> ApiResult<String> {
    // Looked up first: on PostgreSQL a failed insert would end the transaction.
    let mut name = wanted.to_owned();
    for n in 2..1000 {
        if name_free(tx, workspace, at, &name).await? {
            return Ok(name);
        }
        name = numbered(wanted, n);
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "NAME_TAKEN",
        "too many items of this name in the folder",
    ))
}

/// Holds the workspace's row until the transaction ends (PostgreSQL; SQLite's write
/// transactions already exclude each other): what checks the whole drive (the quota, a
/// move's path) and then writes does so alone.
pub async fn lock_workspace(tx: &mut Tx, workspace: i64) -> ApiResult<()> {
    let sql = format!("SELECT id FROM workspaces WHERE id = $1{}", tx.for_update());
    let _: Option<(i64,)> = tx
        .optional(sqlx::AssertSqlSafe(sql), args![workspace])
        .await?;
    Ok(())
}

/// Renames and/or moves an item.
pub async fn change(
    tx: &mut Tx,
    it: &Item,
    name: Option<&str>,
    parent: Option<Option<i64>>,
) -> ApiResult<Item> {
    in_drive(it)?;
    if it.trashed_at.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "IN_TRASH",
            "this item is in the trash: restore it first",
        ));
    }
    let name = name.unwrap_or(&it.name);
    let parent = parent.unwrap_or(it.parent_id);
    if parent != it.parent_id {
        // Two crossing moves (A into B, B into A) must not both pass the check below.
        lock_workspace(tx, it.workspace_id).await?;
    }
    check_folder(tx, it.workspace_id, parent).await?;
    if let Some(p) = parent {
        if path(tx, p).await?.iter().any(|f| f.id == it.id) {
            return Err(ApiError::invalid(
                "parent_id: a folder cannot go inside itself",
            ));
        }
    }
    let key = name_key(tx, it.workspace_id, name).await?;
    let sealed = tx
        .seal(
            Scope::Workspace(it.workspace_id),
            &Place::new("drive_items", "name", it.id),
            name,
        )
        .await?;
    let r = tx
        .execute(
            "UPDATE drive_items SET name = $2, name_key = $3, parent_id = $4, updated_at = $5, \
             revision = revision + 1 WHERE id = $1",
            args![it.id, sealed, key, parent, now()],
        )
        .await;
    match r {
        Err(e) if is_unique_violation(&e) => return Err(name_taken(name)),
        r => r?,
    };
    if name != it.name {
        crate::api::search::store::index_drive_item(tx, it.workspace_id, it.id, name).await?;
    }
    item(tx, it.id).await
}

/// The versions of file `id`, newest first.
pub async fn versions(tx: &mut Tx, id: i64) -> ApiResult<Vec<huddle_protocol::drive::Version>> {
    let rows: Vec<(i64, i64, Option<String>, i64, i64, bool)> = tx
        .all(
            "SELECT v.number, v.size, v.mime, v.created_by, v.created_at, \
               v.id = i.current_version_id FROM drive_versions v \
             JOIN drive_items i ON i.id = v.item_id \
             WHERE v.item_id = $1 AND v.state = 'ready' ORDER BY v.number DESC",
            args![id],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(number, size, mime, created_by, created_at, current)| {
            huddle_protocol::drive::Version {
                number,
                size,
                mime,
                created_by,
                created_at,
                current,
            }
        })
        .collect())
}

/// Makes version `number` of file `it` its current one again (the others stay).
pub async fn restore_version(tx: &mut Tx, it: &Item, number: i64) -> ApiResult<Item> {
    in_drive(it)?;
    if it.trashed_at.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "IN_TRASH",
            "this item is in the trash: restore it first",
        ));
    }
    let found: Option<(i64,)> = tx
        .optional(
            "SELECT id FROM drive_versions WHERE item_id = $1 AND number = $2 AND state = 'ready'",
            args![it.id, number],
        )
        .await?;
    let (version,) = found.ok_or_else(|| ApiError::not_found("version"))?;
    tx.execute(
        "UPDATE drive_items SET current_version_id = $2, updated_at = $3, \
         revision = revision + 1 WHERE id = $1 AND current_version_id <> $2",
        args![it.id, version, now()],
    )
    .await?;
    item(tx, it.id).await
}

/// Puts an item in the trash (what a folder holds goes with it) or takes it out.
pub async fn set_trashed(tx: &mut Tx, it: &Item, me: i64, trashed: bool) -> ApiResult<Item> {
    in_drive(it)?;
    if trashed == it.trashed_at.is_some() {
        return Ok(it.clone());
    }
    if !trashed {
        // Back where it was, if that folder still is.
        check_folder(tx, it.workspace_id, it.parent_id)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "PARENT_GONE",
                    "the folder it was in is in the trash or gone: restore that first",
                )
            })?;
    }
    let r = tx
        .execute(
            "UPDATE drive_items SET trashed_at = $2, trashed_by = $3, revision = revision + 1 \
             WHERE id = $1",
            if trashed {
                args![it.id, now(), me]
            } else {
                args![it.id, None::<i64>, None::<i64>]
            },
        )
        .await;
    match r {
        Err(e) if is_unique_violation(&e) => return Err(name_taken(&it.name)),
        r => r?,
    };
    item(tx, it.id).await
}

/// Bytes every version of every file of the workspace takes (uploads in progress count
/// at their full length: the space is theirs until they finish or expire; a copy counts
/// at its size, though it shares its original's bytes; a holder, the bytes of a deleted
/// file that copies still read, counts no more).
pub async fn used(tx: &mut Tx, workspace: i64) -> ApiResult<i64> {
    let (used,): (i64,) = tx
        .one(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM drive_versions \
             WHERE workspace_id = $1 AND NOT (item_id IS NULL AND state = 'ready')",
            args![workspace],
        )
        .await?;
    Ok(used)
}

/// Most items one copy makes.
pub const COPY_LIMIT: usize = 10_000;

/// Copies `it` into `parent` (`None`: the top) under a free name (its own if free there):
/// a file with its current version only, a folder with everything in it that is not in
/// the trash. The copies are `me`'s and share their originals' bytes (nothing is read or
/// written in the store), but count in the quota at their size. Returns the items made,
/// the copy of `it` first.
pub async fn copy(
    tx: &mut Tx,
    it: &Item,
    me: i64,
    parent: Option<i64>,
    quota: Option<i64>,
) -> ApiResult<Vec<Item>> {
    // Alone in the drive from here: the quota and the trash checked below stay true (an
    // emptying of the trash waits).
    lock_workspace(tx, it.workspace_id).await?;
    // In the trash, or in a folder that is.
    if path(tx, it.id)
        .await?
        .iter()
        .any(|f| f.trashed_at.is_some())
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "IN_TRASH",
            "this item is in the trash: restore it first",
        ));
    }
    let workspace = it.workspace_id;
    check_folder(tx, workspace, parent).await?;
    if let Some(p) = parent {
        if path(tx, p).await?.iter().any(|f| f.id == it.id) {
            return Err(ApiError::invalid(
                "parent_id: a folder cannot be copied inside itself",
            ));
        }
    }
    // What to copy, parents before what they hold: (original, index of its parent's copy).
    let mut plan: Vec<(Item, Option<usize>)> = vec![(it.clone(), None)];
    let mut i = 0;
    while i < plan.len() {
        if plan[i].0.kind == ItemKind::Folder {
            let kids = children(tx, workspace, Some(plan[i].0.id)).await?;
            plan.extend(kids.into_iter().map(|k| (k, Some(i))));
            if plan.len() > COPY_LIMIT {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "TOO_LARGE",
                    format!(
                        "a copy makes at most {COPY_LIMIT} files and folders: copy smaller folders"
                    ),
                ));
            }
        }
        i += 1;
    }
    let size: i64 = plan.iter().map(|(p, _)| p.size).sum();
    if let Some(quota) = quota {
        let used = used(tx, workspace).await?;
        if used.saturating_add(size) > quota {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "QUOTA_EXCEEDED",
                format!(
                    "this workspace's Drive is full: {used} of {quota} bytes used, {size} more asked for"
                ),
            ));
        }
    }
    let mut made: Vec<Item> = Vec::with_capacity(plan.len());
    for (original, up) in &plan {
        let (into, name) = match up {
            None => {
                let name = free_name(tx, workspace, Location::Folder(parent), &it.name).await?;
                (parent, name)
            }
            // A new folder: the names are free already.
            Some(u) => (Some(made[*u].id), original.name.clone()),
        };
        let item = match original.kind {
            ItemKind::Folder => {
                let at = Location::Folder(into);
                insert(tx, workspace, me, at, ItemKind::Folder, &name, None).await?
            }
            ItemKind::File => {
                let version = copy_version(tx, workspace, me, original.id).await?;
                let item = insert(
                    tx,
                    workspace,
                    me,
                    Location::Folder(into),
                    ItemKind::File,
                    &name,
                    Some(version),
                )
                .await?;
                tx.execute(
                    "UPDATE drive_versions SET item_id = $2 WHERE id = $1",
                    args![version, item.id],
                )
                .await?;
                item
            }
        };
        made.push(item);
    }
    Ok(made)
}

/// A new version 1 (with no item yet) that reads the bytes of file `file`'s current
/// version, under the same file key sealed again for its own row.
async fn copy_version(tx: &mut Tx, workspace: i64, me: i64, file: i64) -> ApiResult<i64> {
    let (from, size, mime, sealed, content): (i64, i64, Option<String>, String, Option<i64>) = tx
        .one(
            "SELECT v.id, v.size, v.mime, v.file_key, v.content_id FROM drive_items i \
             JOIN drive_versions v ON v.id = i.current_version_id WHERE i.id = $1",
            args![file],
        )
        .await?;
    let (version,): (i64,) = tx
        .one(
            "INSERT INTO drive_versions (item_id, workspace_id, number, state, size, mime, \
               file_key, created_by, created_at, content_id) \
             VALUES (NULL, $1, 1, 'ready', $2, $3, '', $4, $5, $6) RETURNING id",
            args![workspace, size, mime, me, now(), content.unwrap_or(from)],
        )
        .await?;
    let resealed = super::content::reseal_key(tx, workspace, from, &sealed, version).await?;
    tx.execute(
        "UPDATE drive_versions SET file_key = $2 WHERE id = $1",
        args![version, resealed],
    )
    .await?;
    Ok(version)
}

/// Deletes version `version`, or keeps it as a holder (`item_id` NULL) while copies read
/// its bytes. Returns the contents (versions) whose chunks are no longer read by anyone,
/// for the caller to remove once committed.
pub async fn release_version(tx: &mut Tx, version: i64) -> ApiResult<Vec<i64>> {
    let (content,): (Option<i64>,) = tx
        .one(
            "SELECT content_id FROM drive_versions WHERE id = $1",
            args![version],
        )
        .await?;
    match content {
        Some(original) => {
            tx.execute("DELETE FROM drive_versions WHERE id = $1", args![version])
                .await?;
            // The original's file may be gone already, its row kept for this copy.
            let r = tx
                .execute(
                    "DELETE FROM drive_versions WHERE id = $1 AND item_id IS NULL \
                       AND state = 'ready' \
                       AND NOT EXISTS (SELECT 1 FROM drive_versions c WHERE c.content_id = $1)",
                    args![original],
                )
                .await?;
            Ok(if r == 1 { vec![original] } else { Vec::new() })
        }
        None => {
            let read: Option<(i64,)> = tx
                .optional(
                    "SELECT id FROM drive_versions WHERE content_id = $1 LIMIT 1",
                    args![version],
                )
                .await?;
            if read.is_some() {
                tx.execute(
                    "UPDATE drive_versions SET item_id = NULL WHERE id = $1",
                    args![version],
                )
                .await?;
                Ok(Vec::new())
            } else {
                tx.execute("DELETE FROM drive_versions WHERE id = $1", args![version])
                    .await?;
                Ok(vec![version])
            }
        }
    }
}

/// The workspace's usage and limits.
pub async fn usage(
    tx: &mut Tx,
    workspace: i64,
    default_quota: Option<u64>,
    max_file_size: Option<u64>,
) -> ApiResult<Usage> {
    let (quota,): (Option<i64>,) = tx
        .one(
            "SELECT drive_quota FROM workspaces WHERE id = $1",
            args![workspace],
        )
        .await?;
    Ok(Usage {
        used: used(tx, workspace).await?,
        quota: quota.or(default_quota.map(|q| q as i64)),
        max_file_size: max_file_size.map(|m| m as i64),
    })
}

/// Every item in the subtree of `root` (itself included), deepest first.
pub async fn subtree(tx: &mut Tx, root: i64) -> ApiResult<Vec<i64>> {
    let mut out = vec![root];
    let mut seen: std::collections::HashSet<i64> = out.iter().copied().collect();
    let mut i = 0;
    while i < out.len() {
        let kids: Vec<(i64,)> = tx
            .all(
                "SELECT id FROM drive_items WHERE parent_id = $1",
                args![out[i]],
            )
            .await?;
        // A cycle (which moves under the workspace's lock prevent) must not loop.
        out.extend(kids.into_iter().map(|(k,)| k).filter(|k| seen.insert(*k)));
        i += 1;
    }
    out.reverse();
    Ok(out)
}

/// Deletes the items in the trash of `workspace` and everything in them; returns their
/// ids and the versions whose chunks to remove (a version copies still read stays, as a
/// holder: see [`release_version`]).
pub async fn empty_trash(tx: &mut Tx, workspace: i64) -> ApiResult<(Vec<i64>, Vec<i64>)> {
    lock_workspace(tx, workspace).await?;
    let roots: Vec<(i64,)> = tx
        .all(
            "SELECT id FROM drive_items WHERE workspace_id = $1 AND trashed_at IS NOT NULL",
            args![workspace],
        )
        .await?;
    let mut ids = Vec::new();
    for (root,) in roots {
        ids.extend(subtree(tx, root).await?);
    }
    let versions = delete_items(tx, &ids).await?;
    Ok((ids, versions))
}

/// Deletes `ids` for good (deepest first: no folder before what it holds) with their
/// versions and uploads; returns the versions whose chunks to remove (a version copies
/// still read stays, as a holder).
pub async fn delete_items(tx: &mut Tx, ids: &[i64]) -> ApiResult<Vec<i64>> {
    let mut versions = Vec::new();
    for &id in ids {
        let rows: Vec<(i64,)> = tx
            .all(
                "SELECT id FROM drive_versions WHERE item_id = $1",
                args![id],
            )
            .await?;
        for (v,) in rows {
            versions.extend(release_version(tx, v).await?);
        }
        // Uploads of new versions of it end with it (those in progress belong to it too).
        // So do uploads of new files into it (their versions belong to no item yet).
        let uploads: Vec<(i64,)> = tx
            .all(
                "SELECT version_id FROM drive_uploads WHERE parent_id = $1",
                args![id],
            )
            .await?;
        for (v,) in uploads {
            tx.execute("DELETE FROM drive_versions WHERE id = $1", args![v])
                .await?;
            versions.push(v);
        }
    }
    for &id in ids {
        tx.execute("DELETE FROM drive_items WHERE id = $1", args![id])
            .await?;
    }
    Ok(versions)
}
