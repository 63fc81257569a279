//! The blind index in the database: `search_index(token, message_id)` for messages,
//! `drive_search_index(token, item_id)` for the names of Drive's items.

use huddle_protocol::messages::Page;

use crate::access;
use crate::args;
use crate::db::{Arg, Tx};
use crate::error::ApiResult;
use crate::vault::Scope;

/// The index token of a term in a workspace: the first 128 bits of its keyed hash.
async fn token(tx: &mut Tx, workspace: i64, term: &str) -> ApiResult<String> {
    let mut h = tx
        .blind(Scope::Workspace(workspace), "search", term)
        .await?;
    h.truncate(32);
    Ok(h)
}

/// Indexes message `id` of `workspace` under the terms of `body` (its earlier terms go).
pub async fn index(tx: &mut Tx, workspace: i64, id: i64, body: &str) -> ApiResult<()> {
    unindex(tx, id).await?;
    index_new(tx, workspace, &[(id, body)]).await
}

/// Indexes messages that are not in the index yet.
pub async fn index_new(tx: &mut Tx, workspace: i64, messages: &[(i64, &str)]) -> ApiResult<()> {
    let mut rows = Vec::new();
    for (id, body) in messages {
        for term in crate::search::index_terms(body) {
            rows.push(args![token(tx, workspace, &term).await?, *id]);
        }
    }
    tx.insert_many("search_index", &["token", "message_id"], rows)
        .await?;
    Ok(())
}

/// Indexes Drive item `id` of `workspace` under the terms of its `name` (its earlier
/// terms go).
pub async fn index_drive_item(tx: &mut Tx, workspace: i64, id: i64, name: &str) -> ApiResult<()> {
    tx.execute(
        "DELETE FROM drive_search_index WHERE item_id = $1",
        args![id],
    )
    .await?;
    let mut rows = Vec::new();
    for term in crate::search::index_terms(name) {
        rows.push(args![token(tx, workspace, &term).await?, id]);
    }
    tx.insert_many("drive_search_index", &["token", "item_id"], rows)
        .await?;
    Ok(())
}

/// The ids of the items of `workspace` whose names have every term (not those in the
/// trash themselves), at most `limit`, newest change first.
pub async fn search_drive(
    tx: &mut Tx,
    workspace: i64,
    terms: &[String],
    limit: i64,
) -> ApiResult<Vec<i64>> {
    let mut tokens = Vec::with_capacity(terms.len());
    for t in terms {
        let tok = token(tx, workspace, t).await?;
        if !tokens.contains(&tok) {
            tokens.push(tok);
        }
    }
    let placeholders: Vec<String> = (0..tokens.len()).map(|i| format!("${}", i + 3)).collect();
    // Only numbered placeholders are formatted into the statement.
    let sql = format!(
        "SELECT si.item_id FROM drive_search_index si JOIN drive_items i ON i.id = si.item_id \
         WHERE si.token IN ({}) AND i.workspace_id = $1 AND i.trashed_at IS NULL \
           AND i.channel_id IS NULL \
         GROUP BY si.item_id, i.updated_at HAVING count(*) = $2 \
         ORDER BY i.updated_at DESC, si.item_id DESC LIMIT {limit}",
        placeholders.join(", ")
    );
    let mut args: Vec<Arg> = args![workspace, tokens.len() as i64];
    args.extend(tokens.into_iter().map(Arg::from));
    let rows: Vec<(i64,)> = tx.all(sqlx::AssertSqlSafe(sql), args).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Removes message `id` from the index.
pub async fn unindex(tx: &mut Tx, id: i64) -> ApiResult<()> {
    tx.execute("DELETE FROM search_index WHERE message_id = $1", args![id])
        .await?;
    Ok(())
}

/// A page of the messages of `workspace` that `me` can read and that have every term.
pub async fn search(
    tx: &mut Tx,
    workspace: i64,
    me: i64,
    terms: &[String],
    before: Option<i64>,
    limit: i64,
) -> ApiResult<Page> {
    access::workspace_role(tx, workspace, me).await?;
    let mut tokens = Vec::with_capacity(terms.len());
    for t in terms {
        let tok = token(tx, workspace, t).await?;
        if !tokens.contains(&tok) {
            tokens.push(tok);
        }
    }
    let placeholders: Vec<String> = (0..tokens.len()).map(|i| format!("${}", i + 5)).collect();
    // Only numbered placeholders are formatted into the statement.
    let sql = format!(
        "SELECT si.message_id FROM search_index si \
         JOIN messages m ON m.id = si.message_id JOIN channels ch ON ch.id = m.channel_id \
         WHERE si.token IN ({}) AND ch.workspace_id = $1 AND m.deleted_at IS NULL AND m.id < $3 \
           AND (ch.kind = 'public' OR EXISTS (SELECT 1 FROM channel_members cm \
             WHERE cm.channel_id = ch.id AND cm.user_id = $2)) \
         GROUP BY si.message_id HAVING count(*) = $4 \
         ORDER BY si.message_id DESC LIMIT {}",
        placeholders.join(", "),
        limit + 1
    );
    let mut args: Vec<Arg> = args![
        workspace,
        me,
        before.unwrap_or(i64::MAX),
        tokens.len() as i64
    ];
    args.extend(tokens.into_iter().map(Arg::from));
    let rows: Vec<(i64,)> = tx.all(sqlx::AssertSqlSafe(sql), args).await?;
    let more = rows.len() as i64 > limit;
    let ids: Vec<i64> = rows
        .into_iter()
        .map(|(id,)| id)
        .take(limit as usize)
        .collect();
    let next_before = if more { ids.last().copied() } else { None };
    Ok(Page {
        messages: crate::api::messages::store::by_ids(tx, &ids).await?,
        next_before,
        next_after: None,
    })
}
