//! `huddle-server copy-database --from URL --to URL`: moves a whole installation (users,
//! sessions, workspaces, channels, messages, reactions, read positions, room keys,
//! invitations, invite links, two-factor secrets and recovery codes, passkeys, sign-ups
//! waiting for their address to be confirmed, idempotency keys, Drive's folders, files, versions and
//! uploads, Tasks' boards, lists and tasks) between databases, typically from the
//! embedded SQLite file to PostgreSQL. Values stay sealed as they are (see `vault`): the server that runs on the
//! destination needs the same master key file. Both are first migrated to this server's
//! schema; the destination must be
//! empty; the rows are copied with their ids in one transaction (all or nothing), and
//! PostgreSQL's id sequences are moved past the copied ids. The secret salt and the other
//! files of the data directory are not in the database: the server that runs on the
//! destination uses the same data directory (or the same `--secret-salt`), else every
//! session ends; the bytes of Drive's files are not in the database either, and stay in
//! the storage (the data directory's `drive/` or the object store).

use crate::args;
use crate::config::Database;
use crate::db::{Column, Db, Dialect};

use Column::*;

/// A table to copy: its name, its columns in order, the order to read it in, and
/// whether its `id` comes from a sequence.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Column)],
    order: &'static str,
    identity: bool,
}

/// Every table, parents before children (foreign keys hold at every step).
const TABLES: &[Table] = &[
    // Sealed under the master key: the destination's server needs the same key file.
    Table {
        name: "data_keys",
        columns: &[
            ("id", Int),
            ("scope", Text),
            ("wrapped", Text),
            ("master_key_id", Text),
            ("created_at", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "settings",
        columns: &[("name", Text), ("value", Text)],
        order: "name",
        identity: false,
    },
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("email", Text),
            ("display_name", Text),
            ("password_hash", Text),
            ("created_at", Int),
            ("username_key", OptText),
            ("email_key", OptText),
            ("theme", Text),
            ("language", Text),
            ("notify_default", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "sessions",
        columns: &[
            ("token_hash", Bytes),
            ("user_id", Int),
            ("created_at", Int),
            ("expires_at", Int),
            ("device", Text),
            ("client", Text),
            ("last_seen_at", Int),
        ],
        order: "token_hash",
        identity: false,
    },
    Table {
        name: "workspaces",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("created_by", Int),
            ("created_at", Int),
            ("drive_quota", OptInt),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "workspace_members",
        columns: &[
            ("workspace_id", Int),
            ("user_id", Int),
            ("role", Text),
            ("joined_at", Int),
        ],
        order: "workspace_id, user_id",
        identity: false,
    },
    Table {
        name: "channels",
        columns: &[
            ("id", Int),
            ("workspace_id", Int),
            ("kind", Text),
            ("name", Text),
            ("created_by", Int),
            ("created_at", Int),
            ("direct_key", OptText),
            ("name_key", OptText),
            ("topic", Text),
            ("archived_at", OptInt),
            ("revision", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "channel_members",
        columns: &[("channel_id", Int), ("user_id", Int)],
        order: "channel_id, user_id",
        identity: false,
    },
    // By id: a thread's root comes before its replies.
    Table {
        name: "messages",
        columns: &[
            ("id", Int),
            ("channel_id", Int),
            ("author_id", Int),
            ("thread_root_id", OptInt),
            ("body", Text),
            ("created_at", Int),
            ("edited_at", OptInt),
            ("deleted_at", OptInt),
            ("revision", Int),
            ("broadcast", OptText),
            ("pinned_at", OptInt),
            ("pinned_by", OptInt),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "message_mentions",
        columns: &[("message_id", Int), ("user_id", Int)],
        order: "message_id, user_id",
        identity: false,
    },
    Table {
        name: "reactions",
        columns: &[
            ("id", Int),
            ("message_id", Int),
            ("user_id", Int),
            ("emoji", Text),
            ("emoji_key", OptText),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "search_index",
        columns: &[("token", Text), ("message_id", Int)],
        order: "message_id, token",
        identity: false,
    },
    Table {
        name: "read_positions",
        columns: &[("channel_id", Int), ("user_id", Int), ("last_read_id", Int)],
        order: "channel_id, user_id",
        identity: false,
    },
    Table {
        name: "channel_settings",
        columns: &[("channel_id", Int), ("user_id", Int), ("notify", Text)],
        order: "channel_id, user_id",
        identity: false,
    },
    Table {
        name: "realtime_rooms",
        columns: &[
            ("collection", Text),
            ("endpoint", Text),
            ("room_key", Text),
            ("key_version", Int),
            ("sealed_since", Int),
            ("rotated_at", Int),
        ],
        order: "collection",
        identity: false,
    },
    Table {
        name: "invitations",
        columns: &[
            ("id", Int),
            ("workspace_id", Int),
            ("login", Text),
            ("username_key", Text),
            ("email_key", Text),
            ("invited_by", Int),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "invite_links",
        columns: &[
            ("id", Int),
            ("workspace_id", Int),
            ("token_hash", Bytes),
            ("created_by", Int),
            ("created_at", Int),
            ("expires_at", Int),
            ("max_uses", Int),
            ("uses", Int),
            ("revoked_at", OptInt),
        ],
        order: "id",
        identity: true,
    },
    // Two-factor sign-in and passkeys (secrets and credentials sealed under the account
    // data key; codes, challenges and ceremony tokens only as keyed hashes).
    Table {
        name: "totp",
        columns: &[
            ("user_id", Int),
            ("secret", Text),
            ("created_at", Int),
            ("confirmed_at", OptInt),
            ("last_step", Int),
        ],
        order: "user_id",
        identity: false,
    },
    Table {
        name: "recovery_codes",
        columns: &[("user_id", Int), ("code_hash", Bytes)],
        order: "user_id, code_hash",
        identity: false,
    },
    Table {
        name: "signin_challenges",
        columns: &[
            ("token_hash", Bytes),
            ("user_id", Int),
            ("expires_at", Int),
            ("failures", Int),
        ],
        order: "token_hash",
        identity: false,
    },
    Table {
        name: "webauthn_users",
        columns: &[("user_id", Int), ("handle", Text)],
        order: "user_id",
        identity: false,
    },
    Table {
        name: "passkeys",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("credential_id", Bytes),
            ("name", Text),
            ("credential", Text),
            ("created_at", Int),
            ("last_used_at", OptInt),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "webauthn_ceremonies",
        columns: &[
            ("token_hash", Bytes),
            ("user_id", OptInt),
            ("state", Text),
            ("expires_at", Int),
        ],
        order: "token_hash",
        identity: false,
    },
    // Sign-ups waiting for their address to be confirmed (names sealed, token hashed).
    Table {
        name: "pending_signups",
        columns: &[
            ("id", Int),
            ("token_hash", Bytes),
            ("username", Text),
            ("email", Text),
            ("display_name", Text),
            ("email_key", Text),
            ("password_hash", Text),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "idempotency_keys",
        columns: &[
            ("user_id", Int),
            ("key", Text),
            ("fingerprint", Bytes),
            ("status", OptInt),
            ("body", OptBytes),
            ("created_at", Int),
        ],
        order: "user_id, key",
        identity: false,
    },
    // Drive: the rows only; the files' bytes stay in the storage (the data directory or
    // the object store), which the destination's server must use too.
    Table {
        name: "drive_items",
        columns: &[
            ("id", Int),
            ("workspace_id", Int),
            ("parent_id", OptInt),
            ("kind", Text),
            ("name", Text),
            ("name_key", Text),
            ("current_version_id", OptInt),
            ("created_by", Int),
            ("created_at", Int),
            ("updated_at", Int),
            ("trashed_at", OptInt),
            ("trashed_by", OptInt),
            ("revision", Int),
            ("channel_id", OptInt),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "drive_versions",
        columns: &[
            ("id", Int),
            ("item_id", OptInt),
            ("workspace_id", Int),
            ("number", Int),
            ("state", Text),
            ("size", Int),
            ("mime", OptText),
            ("file_key", Text),
            ("created_by", Int),
            ("created_at", Int),
            ("content_id", OptInt),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "drive_chunks",
        columns: &[
            ("version_id", Int),
            ("seq", Int),
            ("start", Int),
            ("bytes", Int),
        ],
        order: "version_id, seq",
        identity: false,
    },
    Table {
        name: "drive_search_index",
        columns: &[("token", Text), ("item_id", Int)],
        order: "item_id, token",
        identity: false,
    },
    Table {
        name: "drive_thumbnails",
        columns: &[
            ("version_id", Int),
            ("state", Text),
            ("image", Text),
            ("reason", Text),
        ],
        order: "version_id",
        identity: false,
    },
    Table {
        name: "drive_pages",
        columns: &[
            ("version_id", Int),
            ("state", Text),
            ("image", Text),
            ("reason", Text),
        ],
        order: "version_id",
        identity: false,
    },
    Table {
        name: "drive_shares",
        columns: &[
            ("id", Int),
            ("workspace_id", Int),
            ("item_id", Int),
            ("token_hash", Text),
            ("token", Text),
            ("mode", Text),
            ("password_hash", OptText),
            ("expires_at", OptInt),
            ("download_limit", OptInt),
            ("downloads", Int),
            ("created_by", Int),
            ("created_at", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "drive_share_grants",
        columns: &[("grant_hash", Text), ("share_id", Int), ("expires_at", Int)],
        order: "grant_hash",
        identity: false,
    },
    Table {
        name: "drive_zip_tokens",
        columns: &[
            ("token_hash", Text),
            ("folder_id", Int),
            ("user_id", Int),
            ("share_id", OptInt),
            ("expires_at", Int),
            ("used_at", OptInt),
        ],
        order: "token_hash",
        identity: false,
    },
    Table {
        name: "drive_zip_selections",
        columns: &[
            ("token_hash", Text),
            ("workspace_id", Int),
            ("user_id", Int),
            ("items", Text),
            ("expires_at", Int),
            ("used_at", OptInt),
        ],
        order: "token_hash",
        identity: false,
    },
    Table {
        name: "drive_uploads",
        columns: &[
            ("id", Text),
            ("version_id", Int),
            ("workspace_id", Int),
            ("user_id", Int),
            ("filename", Text),
            ("parent_id", OptInt),
            ("replaces_id", OptInt),
            ("length", Int),
            ("upload_offset", Int),
            ("sealed", Int),
            ("tail", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("share_id", OptInt),
            ("channel_id", OptInt),
        ],
        order: "id",
        identity: false,
    },
    Table {
        name: "drive_tokens",
        columns: &[
            ("token_hash", Text),
            ("version_id", Int),
            ("user_id", Int),
            ("expires_at", Int),
            ("used_at", OptInt),
            ("share_id", OptInt),
        ],
        order: "token_hash",
        identity: false,
    },
    Table {
        name: "drive_finished_uploads",
        columns: &[
            ("id", Text),
            ("user_id", Int),
            ("item_id", Int),
            ("length", Int),
            ("expires_at", Int),
        ],
        order: "id",
        identity: false,
    },
    Table {
        name: "message_attachments",
        columns: &[("message_id", Int), ("position", Int), ("item_id", OptInt)],
        order: "message_id, position",
        identity: false,
    },
    // Tasks.
    Table {
        name: "task_boards",
        columns: &[
            ("id", Int),
            ("workspace_id", Int),
            ("name", Text),
            ("color", Text),
            ("created_by", Int),
            ("created_at", Int),
            ("archived_at", OptInt),
            ("revision", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "task_lists",
        columns: &[
            ("id", Int),
            ("board_id", Int),
            ("name", Text),
            ("rank", Text),
            ("archived_at", OptInt),
            ("revision", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "tasks",
        columns: &[
            ("id", Int),
            ("board_id", Int),
            ("list_id", Int),
            ("title", Text),
            ("description", Text),
            ("rank", Text),
            ("done_at", OptInt),
            ("archived_at", OptInt),
            ("created_by", Int),
            ("created_at", Int),
            ("updated_at", Int),
            ("revision", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "task_assignees",
        columns: &[("task_id", Int), ("user_id", Int)],
        order: "task_id, user_id",
        identity: false,
    },
    Table {
        name: "task_labels",
        columns: &[
            ("id", Int),
            ("board_id", Int),
            ("name", Text),
            ("color", Text),
            ("revision", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "task_label_links",
        columns: &[("task_id", Int), ("label_id", Int)],
        order: "task_id, label_id",
        identity: false,
    },
    Table {
        name: "task_checklist",
        columns: &[
            ("id", Int),
            ("task_id", Int),
            ("text", Text),
            ("rank", Text),
            ("checked_at", OptInt),
        ],
        order: "id",
        identity: true,
    },
];

/// Rows read per query.
const BATCH: i64 = 5000;

/// What was copied: (table, rows).
pub type Report = Vec<(&'static str, u64)>;

/// Copies every row of `from` into the empty database `to`.
pub async fn copy_database(from: &Database, to: &Database) -> Result<Report, String> {
    if from == to {
        return Err("--from and --to are the same database".into());
    }
    let source = Db::open(from).await.map_err(|e| format!("--from: {e}"))?;
    let target = Db::open(to).await.map_err(|e| format!("--to: {e}"))?;
    let result = copy(&source, &target).await;
    source.close().await;
    target.close().await;
    result
}

async fn copy(source: &Db, target: &Db) -> Result<Report, String> {
    let failed = |what: &str, table: &str| {
        let (what, table) = (what.to_owned(), table.to_owned());
        move |e: sqlx::Error| format!("{what} {table}: {e}")
    };
    let mut read = source.read().await.map_err(|e| format!("--from: {e}"))?;
    let mut write = target.write().await.map_err(|e| format!("--to: {e}"))?;
    for t in TABLES {
        let sql = format!("SELECT count(*) FROM {}", t.name);
        let (rows,): (i64,) = write
            .one(sqlx::AssertSqlSafe(sql), args![])
            .await
            .map_err(failed("cannot count", t.name))?;
        if rows > 0 {
            return Err(format!(
                "--to is not empty ({} has {rows} rows): copy into a new, empty database",
                t.name
            ));
        }
    }
    let mut report = Vec::new();
    for t in TABLES {
        let names: Vec<&str> = t.columns.iter().map(|(n, _)| *n).collect();
        let kinds: Vec<Column> = t.columns.iter().map(|(_, k)| *k).collect();
        let mut copied = 0u64;
        loop {
            // Names from the table list above; the batch bounds are parameters.
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {} LIMIT $1 OFFSET $2",
                names.join(", "),
                t.name,
                t.order
            );
            let rows = read
                .values(
                    sqlx::AssertSqlSafe(sql),
                    args![BATCH, copied as i64],
                    &kinds,
                )
                .await
                .map_err(failed("cannot read", t.name))?;
            let n = rows.len() as u64;
            if n == 0 {
                break;
            }
            write
                .insert_many(t.name, &names, rows)
                .await
                .map_err(failed("cannot write", t.name))?;
            copied += n;
        }
        if t.identity && target.dialect() == Dialect::Postgres {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE((SELECT max(id) FROM {0}), 0) + 1, false)",
                t.name
            );
            let _: (i64,) = write
                .one(sqlx::AssertSqlSafe(sql), args![])
                .await
                .map_err(failed("cannot move the id sequence of", t.name))?;
        }
        report.push((t.name, copied));
    }
    write.commit().await.map_err(|e| format!("--to: {e}"))?;
    Ok(report)
}

/// The tables and columns copied (a test checks them against the schema).
pub fn tables() -> Vec<(&'static str, Vec<&'static str>)> {
    TABLES
        .iter()
        .map(|t| (t.name, t.columns.iter().map(|(n, _)| *n).collect()))
        .collect()
}
