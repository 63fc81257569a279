//! Boards, lists and tasks in the database. Every function runs inside the caller's
//! transaction; those that change something return it as it is now with the events to
//! announce once committed. Every change of order locks the board's row first, so moves
//! on one board happen one after the other (SQLite's write transactions already do).

use axum::http::StatusCode;
use huddle_protocol::tasks::{
    Board, BoardChange, BoardView, Color, End, ListChange, ListWithTasks, Ranked, Task, TaskChange,
    TaskList, TasksEvent,
};

use super::rank;
use crate::args;
use crate::db::{enum_value, now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

const BOARD_COLUMNS: &str =
    "id, workspace_id, name, color, created_by, created_at, archived_at, revision";
type BoardRow = (i64, i64, String, String, i64, i64, Option<i64>, i64);

const LIST_COLUMNS: &str = "id, board_id, name, rank, archived_at, revision";
type ListRow = (i64, i64, String, String, Option<i64>, i64);

const TASK_COLUMNS: &str = "id, board_id, list_id, title, description, rank, done_at, \
     archived_at, created_by, created_at, updated_at, revision";
type TaskRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
    i64,
    i64,
);

async fn board_from(tx: &mut Tx, r: BoardRow) -> ApiResult<Board> {
    let (id, workspace_id, name, color, created_by, created_at, archived_at, revision) = r;
    Ok(Board {
        id,
        workspace_id,
        name: tx
            .open_name(&Place::new("task_boards", "name", id), &name)
            .await?,
        color: enum_value(&color, Color::parse)?,
        created_by,
        created_at,
        archived_at,
        revision,
    })
}

async fn list_from(tx: &mut Tx, r: ListRow) -> ApiResult<TaskList> {
    let (id, board_id, name, rank, archived_at, revision) = r;
    Ok(TaskList {
        id,
        board_id,
        name: tx
            .open_name(&Place::new("task_lists", "name", id), &name)
            .await?,
        rank,
        archived_at,
        revision,
    })
}

async fn task_from(tx: &mut Tx, r: TaskRow) -> ApiResult<Task> {
    let (
        id,
        board_id,
        list_id,
        title,
        description,
        rank,
        done_at,
        archived_at,
        created_by,
        created_at,
        updated_at,
        revision,
    ) = r;
    let title = tx
        .open_name(&Place::new("tasks", "title", id), &title)
        .await?;
    // A damaged description (logged) reads empty: the task still shows.
    let description = tx
        .try_open(&Place::new("tasks", "description", id), &description)
        .await?
        .unwrap_or_default();
    Ok(Task {
        id,
        board_id,
        list_id,
        title,
        description,
        rank,
        done_at,
        archived_at,
        created_by,
        created_at,
        updated_at,
        revision,
    })
}

/// Seals `plain` for `table.column` of row `id`, under the workspace's data key.
async fn seal(
    tx: &mut Tx,
    workspace: i64,
    table: &'static str,
    column: &'static str,
    id: i64,
    plain: &str,
) -> ApiResult<String> {
    tx.seal(
        Scope::Workspace(workspace),
        &Place::new(table, column, id),
        plain,
    )
    .await
}

/// Waits for the other changes of order on the board (PostgreSQL; SQLite's writers
/// already wait for each other).
pub async fn lock_board(tx: &mut Tx, board: i64) -> ApiResult<()> {
    let sql = format!(
        "SELECT id FROM task_boards WHERE id = $1{}",
        tx.for_update()
    );
    let _: Option<(i64,)> = tx.optional(sqlx::AssertSqlSafe(sql), args![board]).await?;
    Ok(())
}

/// The board `id`.
pub async fn board(tx: &mut Tx, id: i64) -> ApiResult<Board> {
    let sql = format!("SELECT {BOARD_COLUMNS} FROM task_boards WHERE id = $1");
    let row: Option<BoardRow> = tx.optional(sqlx::AssertSqlSafe(sql), args![id]).await?;
    board_from(tx, row.ok_or_else(|| ApiError::not_found("board"))?).await
}

/// The boards of a workspace, archived ones included, oldest first.
pub async fn boards(tx: &mut Tx, workspace: i64) -> ApiResult<Vec<Board>> {
    let sql =
        format!("SELECT {BOARD_COLUMNS} FROM task_boards WHERE workspace_id = $1 ORDER BY id");
    let rows: Vec<BoardRow> = tx.all(sqlx::AssertSqlSafe(sql), args![workspace]).await?;
    let mut boards = Vec::with_capacity(rows.len());
    for r in rows {
        boards.push(board_from(tx, r).await?);
    }
    Ok(boards)
}

/// Makes a board.
pub async fn create_board(
    tx: &mut Tx,
    workspace: i64,
    me: i64,
    name: &str,
    color: Color,
) -> ApiResult<(Board, TasksEvent)> {
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO task_boards (workspace_id, name, color, created_by, created_at) \
             VALUES ($1, '', $2, $3, $4) RETURNING id",
            args![workspace, color.as_str(), me, now()],
        )
        .await?;
    let sealed = seal(tx, workspace, "task_boards", "name", id, name).await?;
    tx.execute(
        "UPDATE task_boards SET name = $2 WHERE id = $1",
        args![id, sealed],
    )
    .await?;
    let board = board(tx, id).await?;
    Ok((board.clone(), TasksEvent::Board { board }))
}

/// Renames, recolors, archives or restores a board.
pub async fn change_board(
    tx: &mut Tx,
    b: &Board,
    name: Option<&str>,
    change: &BoardChange,
) -> ApiResult<(Board, TasksEvent)> {
    if let Some(name) = name {
        let sealed = seal(tx, b.workspace_id, "task_boards", "name", b.id, name).await?;
        tx.execute(
            "UPDATE task_boards SET name = $2 WHERE id = $1",
            args![b.id, sealed],
        )
        .await?;
    }
    if let Some(color) = change.color {
        tx.execute(
            "UPDATE task_boards SET color = $2 WHERE id = $1",
            args![b.id, color.as_str()],
        )
        .await?;
    }
    if let Some(archived) = change.archived {
        let at = archived.then(now);
        tx.execute(
            "UPDATE task_boards SET archived_at = $2 WHERE id = $1",
            args![b.id, at],
        )
        .await?;
    }
    tx.execute(
        "UPDATE task_boards SET revision = revision + 1 WHERE id = $1",
        args![b.id],
    )
    .await?;
    let board = board(tx, b.id).await?;
    Ok((board.clone(), TasksEvent::Board { board }))
}

/// A board with its lists and their tasks (archived ones left out), in order.
pub async fn view(tx: &mut Tx, board_id: i64) -> ApiResult<BoardView> {
    let board = board(tx, board_id).await?;
    let sql = format!(
        "SELECT {LIST_COLUMNS} FROM task_lists WHERE board_id = $1 AND archived_at IS NULL \
         ORDER BY rank, id"
    );
    let rows: Vec<ListRow> = tx.all(sqlx::AssertSqlSafe(sql), args![board_id]).await?;
    let mut lists = Vec::with_capacity(rows.len());
    for r in rows {
        lists.push(ListWithTasks {
            list: list_from(tx, r).await?,
            tasks: Vec::new(),
        });
    }
    let sql = format!(
        "SELECT {TASK_COLUMNS} FROM tasks WHERE board_id = $1 AND archived_at IS NULL \
         ORDER BY rank, id"
    );
    let rows: Vec<TaskRow> = tx.all(sqlx::AssertSqlSafe(sql), args![board_id]).await?;
    for r in rows {
        let t = task_from(tx, r).await?;
        if let Some(l) = lists.iter_mut().find(|l| l.list.id == t.list_id) {
            l.tasks.push(t);
        }
    }
    Ok(BoardView { board, lists })
}

/// The list `id`.
pub async fn list(tx: &mut Tx, id: i64) -> ApiResult<TaskList> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM task_lists WHERE id = $1");
    let row: Option<ListRow> = tx.optional(sqlx::AssertSqlSafe(sql), args![id]).await?;
    list_from(tx, row.ok_or_else(|| ApiError::not_found("list"))?).await
}

/// The task `id`.
pub async fn task(tx: &mut Tx, id: i64) -> ApiResult<Task> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1");
    let row: Option<TaskRow> = tx.optional(sqlx::AssertSqlSafe(sql), args![id]).await?;
    task_from(tx, row.ok_or_else(|| ApiError::not_found("task"))?).await
}

/// Which rows are ordered together: a board's lists, or a list's tasks.
#[derive(Clone, Copy)]
enum Siblings {
    Lists { board: i64 },
    Tasks { list: i64 },
}

impl Siblings {
    fn table(self) -> &'static str {
        match self {
            Siblings::Lists { .. } => "task_lists",
            Siblings::Tasks { .. } => "tasks",
        }
    }

    /// Every sibling but `mover` (archived ones too: they keep their place), in order.
    async fn ranks(self, tx: &mut Tx, mover: i64) -> ApiResult<Vec<(i64, String)>> {
        let (sql, parent) = match self {
            Siblings::Lists { board } => (
                "SELECT id, rank FROM task_lists WHERE board_id = $1 AND id <> $2 \
                 ORDER BY rank, id",
                board,
            ),
            Siblings::Tasks { list } => (
                "SELECT id, rank FROM tasks WHERE list_id = $1 AND id <> $2 ORDER BY rank, id",
                list,
            ),
        };
        Ok(tx.all(sql, args![parent, mover]).await?)
    }
}

/// The rank for `mover` (0 for one not made yet) right after `after` among its
/// `siblings` (first for `None`; last for one not among them). When the ranks around
/// are too long or unreadable, every sibling gets a new rank first, in the same order
/// (the new ranks, with their revisions, are returned for the event).
async fn place(
    tx: &mut Tx,
    siblings: Siblings,
    mover: i64,
    after: Option<i64>,
) -> ApiResult<(String, Vec<Ranked>)> {
    let ranks = siblings.ranks(tx, mover).await?;
    let (lower, upper) = rank::neighbours(&ranks, after);
    if let Some(r) = rank::between(lower, upper) {
        return Ok((r, Vec::new()));
    }
    let table = siblings.table();
    tracing::info!(
        table,
        siblings = ranks.len(),
        "tasks: ranks spread out again"
    );
    let mut mine = None;
    let mut reranked = Vec::with_capacity(ranks.len());
    for (id, r) in rank::respread(&ranks, mover, after) {
        if id == mover {
            mine = Some(r);
            continue;
        }
        // The table's name is one of two constants.
        let sql = format!(
            "UPDATE {table} SET rank = $2, revision = revision + 1 WHERE id = $1 \
             RETURNING revision"
        );
        let (revision,): (i64,) = tx
            .one(sqlx::AssertSqlSafe(sql), args![id, r.clone()])
            .await?;
        reranked.push(Ranked {
            id,
            rank: r,
            revision,
        });
    }
    Ok((mine.expect("the mover is placed"), reranked))
}

/// Makes a list, after the board's last one.
pub async fn create_list(
    tx: &mut Tx,
    b: &Board,
    name: &str,
) -> ApiResult<(TaskList, Vec<TasksEvent>)> {
    lock_board(tx, b.id).await?;
    let (rank, reranked) = place(tx, Siblings::Lists { board: b.id }, 0, Some(0)).await?;
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO task_lists (board_id, name, rank) VALUES ($1, '', $2) RETURNING id",
            args![b.id, rank],
        )
        .await?;
    let sealed = seal(tx, b.workspace_id, "task_lists", "name", id, name).await?;
    tx.execute(
        "UPDATE task_lists SET name = $2 WHERE id = $1",
        args![id, sealed],
    )
    .await?;
    let list = list(tx, id).await?;
    let mut events = lists_reranked(tx, b.id, reranked).await?;
    events.push(TasksEvent::List { list: list.clone() });
    Ok((list, events))
}

/// Lists spread out again: each list's new state.
async fn lists_reranked(
    tx: &mut Tx,
    _board: i64,
    reranked: Vec<Ranked>,
) -> ApiResult<Vec<TasksEvent>> {
    let mut events = Vec::with_capacity(reranked.len());
    for r in reranked {
        events.push(TasksEvent::List {
            list: list(tx, r.id).await?,
        });
    }
    Ok(events)
}

/// Renames, archives or restores a list.
pub async fn change_list(
    tx: &mut Tx,
    b: &Board,
    l: &TaskList,
    name: Option<&str>,
    change: &ListChange,
) -> ApiResult<(TaskList, TasksEvent)> {
    if let Some(name) = name {
        let sealed = seal(tx, b.workspace_id, "task_lists", "name", l.id, name).await?;
        tx.execute(
            "UPDATE task_lists SET name = $2 WHERE id = $1",
            args![l.id, sealed],
        )
        .await?;
    }
    if let Some(archived) = change.archived {
        tx.execute(
            "UPDATE task_lists SET archived_at = $2 WHERE id = $1",
            args![l.id, archived.then(now)],
        )
        .await?;
    }
    tx.execute(
        "UPDATE task_lists SET revision = revision + 1 WHERE id = $1",
        args![l.id],
    )
    .await?;
    let list = list(tx, l.id).await?;
    Ok((list.clone(), TasksEvent::List { list }))
}

/// Moves a list right after `after` (first for `None`; last for a list not on the board).
pub async fn move_list(
    tx: &mut Tx,
    b: &Board,
    l: &TaskList,
    after: Option<i64>,
) -> ApiResult<(TaskList, Vec<TasksEvent>)> {
    lock_board(tx, b.id).await?;
    let (rank, reranked) = place(tx, Siblings::Lists { board: b.id }, l.id, after).await?;
    tx.execute(
        "UPDATE task_lists SET rank = $2, revision = revision + 1 WHERE id = $1",
        args![l.id, rank],
    )
    .await?;
    let list = list(tx, l.id).await?;
    let mut events = lists_reranked(tx, b.id, reranked).await?;
    events.push(TasksEvent::List { list: list.clone() });
    Ok((list, events))
}

/// Makes a task at the top or the bottom of a list.
pub async fn create_task(
    tx: &mut Tx,
    b: &Board,
    list_id: i64,
    me: i64,
    title: &str,
    description: &str,
    at: End,
) -> ApiResult<(Task, Vec<TasksEvent>)> {
    lock_board(tx, b.id).await?;
    let after = match at {
        End::Top => None,
        // No task has id 0: last.
        End::Bottom => Some(0),
    };
    let (rank, reranked) = place(tx, Siblings::Tasks { list: list_id }, 0, after).await?;
    let t = now();
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO tasks (board_id, list_id, title, description, rank, created_by, \
               created_at, updated_at) \
             VALUES ($1, $2, '', '', $3, $4, $5, $5) RETURNING id",
            args![b.id, list_id, rank, me, t],
        )
        .await?;
    let title = seal(tx, b.workspace_id, "tasks", "title", id, title).await?;
    let description = seal(tx, b.workspace_id, "tasks", "description", id, description).await?;
    tx.execute(
        "UPDATE tasks SET title = $2, description = $3 WHERE id = $1",
        args![id, title, description],
    )
    .await?;
    let task = task(tx, id).await?;
    let mut events = tasks_reranked(b.id, list_id, reranked);
    events.push(TasksEvent::Task { task: task.clone() });
    Ok((task, events))
}

fn tasks_reranked(board_id: i64, list_id: i64, tasks: Vec<Ranked>) -> Vec<TasksEvent> {
    if tasks.is_empty() {
        return Vec::new();
    }
    vec![TasksEvent::Reranked {
        board_id,
        list_id,
        tasks,
    }]
}

/// Changes a task's fields.
pub async fn change_task(
    tx: &mut Tx,
    b: &Board,
    t: &Task,
    change: &TaskChange,
) -> ApiResult<(Task, TasksEvent)> {
    if let Some(title) = &change.title {
        let sealed = seal(tx, b.workspace_id, "tasks", "title", t.id, title).await?;
        tx.execute(
            "UPDATE tasks SET title = $2 WHERE id = $1",
            args![t.id, sealed],
        )
        .await?;
    }
    if let Some(description) = &change.description {
        let sealed = seal(
            tx,
            b.workspace_id,
            "tasks",
            "description",
            t.id,
            description,
        )
        .await?;
        tx.execute(
            "UPDATE tasks SET description = $2 WHERE id = $1",
            args![t.id, sealed],
        )
        .await?;
    }
    // Marking done (or archiving) twice keeps the first time.
    for (flag, column) in [(change.done, "done_at"), (change.archived, "archived_at")] {
        // The column is one of two constants.
        match flag {
            None => {}
            Some(true) => {
                let sql =
                    format!("UPDATE tasks SET {column} = COALESCE({column}, $2) WHERE id = $1");
                tx.execute(sqlx::AssertSqlSafe(sql), args![t.id, now()])
                    .await?;
            }
            Some(false) => {
                let sql = format!("UPDATE tasks SET {column} = NULL WHERE id = $1");
                tx.execute(sqlx::AssertSqlSafe(sql), args![t.id]).await?;
            }
        }
    }
    tx.execute(
        "UPDATE tasks SET revision = revision + 1, updated_at = $2 WHERE id = $1",
        args![t.id, now()],
    )
    .await?;
    let task = task(tx, t.id).await?;
    Ok((task.clone(), TasksEvent::Task { task }))
}

/// Moves a task into `list_id` (checked to be a list of the task's board) right after
/// `after` (the top for `None`; the bottom for a task not in that list).
pub async fn move_task(
    tx: &mut Tx,
    b: &Board,
    task_id: i64,
    list_id: i64,
    after: Option<i64>,
) -> ApiResult<(Task, Vec<TasksEvent>)> {
    lock_board(tx, b.id).await?;
    let target: Option<(Option<i64>,)> = tx
        .optional(
            "SELECT archived_at FROM task_lists WHERE id = $1 AND board_id = $2",
            args![list_id, b.id],
        )
        .await?;
    match target {
        None => return Err(ApiError::not_found("list")),
        Some((Some(_),)) => return Err(archived("list")),
        Some((None,)) => {}
    }
    let (rank, reranked) = place(tx, Siblings::Tasks { list: list_id }, task_id, after).await?;
    tx.execute(
        "UPDATE tasks SET list_id = $2, rank = $3, revision = revision + 1, updated_at = $4 \
         WHERE id = $1",
        args![task_id, list_id, rank, now()],
    )
    .await?;
    let task = task(tx, task_id).await?;
    let mut events = tasks_reranked(b.id, list_id, reranked);
    events.push(TasksEvent::Task { task: task.clone() });
    Ok((task, events))
}

/// Deletes a task for good.
pub async fn delete_task(tx: &mut Tx, t: &Task) -> ApiResult<TasksEvent> {
    tx.execute("DELETE FROM tasks WHERE id = $1", args![t.id])
        .await?;
    Ok(TasksEvent::TaskDeleted {
        board_id: t.board_id,
        id: t.id,
    })
}

/// 409 `ARCHIVED`: `what` takes no changes while archived.
pub fn archived(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "ARCHIVED",
        format!("this {what} is archived: restore it first"),
    )
}
