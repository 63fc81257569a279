//! Boards, lists and tasks in the database. Every function runs inside the caller's
//! transaction; those that change something return it as it is now with the events to
//! announce once committed. The handlers lock the board's row ([`lock_board`]) before they
//! read what they check, so changes on one board happen one after the other (SQLite's
//! write transactions already do).

use std::collections::HashMap;

use axum::http::StatusCode;
use huddle_protocol::tasks::{
    Archive, Board, BoardChange, BoardView, ChecklistItem, Color, End, Label, ListChange,
    ListWithTasks, Task, TaskChange, TaskList, TasksEvent,
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
        assignees: Vec::new(),
        labels: Vec::new(),
        checklist: Vec::new(),
    })
}

/// Which tasks [`details`] fills: a board's, or one.
#[derive(Clone, Copy)]
enum Of {
    Board(i64),
    Task(i64),
}

impl Of {
    /// The condition on `tasks t`, and its parameter.
    fn filter(self) -> (&'static str, i64) {
        match self {
            Of::Board(b) => ("t.board_id = $1", b),
            Of::Task(t) => ("t.id = $1", t),
        }
    }
}

/// Fills the assignees, labels and checklists of `tasks` (all of `of`).
async fn details(tx: &mut Tx, tasks: &mut [Task], of: Of) -> ApiResult<()> {
    let (cond, arg) = of.filter();
    let at: HashMap<i64, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    // The conditions are two constants.
    let sql = format!(
        "SELECT a.task_id, a.user_id FROM task_assignees a JOIN tasks t ON t.id = a.task_id \
         WHERE {cond} ORDER BY a.task_id, a.user_id"
    );
    let rows: Vec<(i64, i64)> = tx.all(sqlx::AssertSqlSafe(sql), args![arg]).await?;
    for (task, user) in rows {
        if let Some(&i) = at.get(&task) {
            tasks[i].assignees.push(user);
        }
    }
    let sql = format!(
        "SELECT l.task_id, l.label_id FROM task_label_links l JOIN tasks t ON t.id = l.task_id \
         WHERE {cond} ORDER BY l.task_id, l.label_id"
    );
    let rows: Vec<(i64, i64)> = tx.all(sqlx::AssertSqlSafe(sql), args![arg]).await?;
    for (task, label) in rows {
        if let Some(&i) = at.get(&task) {
            tasks[i].labels.push(label);
        }
    }
    let sql = format!(
        "SELECT c.id, c.task_id, c.text, c.rank, c.checked_at FROM task_checklist c \
         JOIN tasks t ON t.id = c.task_id WHERE {cond} ORDER BY c.task_id, c.rank, c.id"
    );
    let rows: Vec<(i64, i64, String, String, Option<i64>)> =
        tx.all(sqlx::AssertSqlSafe(sql), args![arg]).await?;
    for (id, task_id, text, rank, checked_at) in rows {
        let text = tx
            .open_name(&Place::new("task_checklist", "text", id), &text)
            .await?;
        if let Some(&i) = at.get(&task_id) {
            tasks[i].checklist.push(ChecklistItem {
                id,
                task_id,
                text,
                rank,
                checked_at,
            });
        }
    }
    Ok(())
}

/// Seals `plain` for `table.column` of row `id` and writes it there.
async fn write_sealed(
    tx: &mut Tx,
    workspace: i64,
    table: &'static str,
    column: &'static str,
    id: i64,
    plain: &str,
) -> ApiResult<()> {
    let sealed = seal(tx, workspace, table, column, id, plain).await?;
    // The table and column are constants of this module.
    let sql = format!("UPDATE {table} SET {column} = $2 WHERE id = $1");
    tx.execute(sqlx::AssertSqlSafe(sql), args![id, sealed])
        .await?;
    Ok(())
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
    write_sealed(tx, workspace, "task_boards", "name", id, name).await?;
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
        write_sealed(tx, b.workspace_id, "task_boards", "name", b.id, name).await?;
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
    let mut tasks = Vec::with_capacity(rows.len());
    for r in rows {
        tasks.push(task_from(tx, r).await?);
    }
    details(tx, &mut tasks, Of::Board(board_id)).await?;
    let index: HashMap<i64, usize> = lists
        .iter()
        .enumerate()
        .map(|(i, l)| (l.list.id, i))
        .collect();
    for t in tasks {
        if let Some(&i) = index.get(&t.list_id) {
            lists[i].tasks.push(t);
        }
    }
    let labels = labels(tx, board_id).await?;
    Ok(BoardView {
        board,
        labels,
        lists,
    })
}

/// What is archived on a board: archived lists with their tasks, and archived tasks.
pub async fn archive(tx: &mut Tx, board_id: i64) -> ApiResult<Archive> {
    let sql = format!(
        "SELECT {LIST_COLUMNS} FROM task_lists WHERE board_id = $1 \
         AND archived_at IS NOT NULL ORDER BY rank, id"
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
        "SELECT {TASK_COLUMNS} FROM tasks t WHERE board_id = $1 AND (archived_at IS NOT NULL \
           OR EXISTS (SELECT 1 FROM task_lists l WHERE l.id = t.list_id \
                      AND l.archived_at IS NOT NULL)) \
         ORDER BY archived_at DESC, rank, id"
    );
    let rows: Vec<TaskRow> = tx.all(sqlx::AssertSqlSafe(sql), args![board_id]).await?;
    let mut all = Vec::with_capacity(rows.len());
    for r in rows {
        all.push(task_from(tx, r).await?);
    }
    details(tx, &mut all, Of::Board(board_id)).await?;
    let index: HashMap<i64, usize> = lists
        .iter()
        .enumerate()
        .map(|(i, l)| (l.list.id, i))
        .collect();
    let mut tasks = Vec::new();
    for t in all {
        match (t.archived_at, index.get(&t.list_id)) {
            (None, Some(&i)) => lists[i].tasks.push(t),
            _ => tasks.push(t),
        }
    }
    for l in &mut lists {
        l.tasks
            .sort_by(|a, b| (&a.rank, a.id).cmp(&(&b.rank, b.id)));
    }
    Ok(Archive { lists, tasks })
}

/// A board's labels, oldest first.
pub async fn labels(tx: &mut Tx, board_id: i64) -> ApiResult<Vec<Label>> {
    let rows: Vec<(i64, i64, String, String, i64)> = tx
        .all(
            "SELECT id, board_id, name, color, revision FROM task_labels WHERE board_id = $1 \
             ORDER BY id",
            args![board_id],
        )
        .await?;
    let mut labels = Vec::with_capacity(rows.len());
    for r in rows {
        labels.push(label_from(tx, r).await?);
    }
    Ok(labels)
}

async fn label_from(tx: &mut Tx, r: (i64, i64, String, String, i64)) -> ApiResult<Label> {
    let (id, board_id, name, color, revision) = r;
    Ok(Label {
        id,
        board_id,
        name: tx
            .open_name(&Place::new("task_labels", "name", id), &name)
            .await?,
        color: enum_value(&color, Color::parse)?,
        revision,
    })
}

/// The label `id`.
pub async fn label(tx: &mut Tx, id: i64) -> ApiResult<Label> {
    let row: Option<(i64, i64, String, String, i64)> = tx
        .optional(
            "SELECT id, board_id, name, color, revision FROM task_labels WHERE id = $1",
            args![id],
        )
        .await?;
    label_from(tx, row.ok_or_else(|| ApiError::not_found("label"))?).await
}

/// Makes a label on a board.
pub async fn create_label(
    tx: &mut Tx,
    b: &Board,
    name: &str,
    color: Color,
) -> ApiResult<(Label, TasksEvent)> {
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO task_labels (board_id, name, color) VALUES ($1, '', $2) RETURNING id",
            args![b.id, color.as_str()],
        )
        .await?;
    write_sealed(tx, b.workspace_id, "task_labels", "name", id, name).await?;
    let label = label(tx, id).await?;
    Ok((label.clone(), TasksEvent::Label { label }))
}

/// Renames or recolors a label.
pub async fn change_label(
    tx: &mut Tx,
    b: &Board,
    id: i64,
    name: Option<&str>,
    color: Option<Color>,
) -> ApiResult<(Label, TasksEvent)> {
    if let Some(name) = name {
        write_sealed(tx, b.workspace_id, "task_labels", "name", id, name).await?;
    }
    if let Some(color) = color {
        tx.execute(
            "UPDATE task_labels SET color = $2 WHERE id = $1",
            args![id, color.as_str()],
        )
        .await?;
    }
    tx.execute(
        "UPDATE task_labels SET revision = revision + 1 WHERE id = $1",
        args![id],
    )
    .await?;
    let label = label(tx, id).await?;
    Ok((label.clone(), TasksEvent::Label { label }))
}

/// Deletes a label: the tasks that had it lose it (each a new revision, announced).
pub async fn delete_label(tx: &mut Tx, l: &Label) -> ApiResult<Vec<TasksEvent>> {
    let had: Vec<(i64,)> = tx
        .all(
            "SELECT task_id FROM task_label_links WHERE label_id = $1 ORDER BY task_id",
            args![l.id],
        )
        .await?;
    tx.execute("DELETE FROM task_labels WHERE id = $1", args![l.id])
        .await?;
    let mut events = vec![TasksEvent::LabelDeleted {
        board_id: l.board_id,
        id: l.id,
    }];
    for (t,) in had {
        tx.execute(
            "UPDATE tasks SET revision = revision + 1 WHERE id = $1",
            args![t],
        )
        .await?;
        events.push(TasksEvent::Task {
            task: task(tx, t).await?,
        });
    }
    Ok(events)
}

/// 400 unless every id of `users` is a member of `workspace` (duplicates dropped).
pub async fn check_assignees(tx: &mut Tx, workspace: i64, users: &[i64]) -> ApiResult<Vec<i64>> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    if users.len() > MAX_ASSIGNEES {
        return Err(ApiError::invalid(format!(
            "assignees: at most {MAX_ASSIGNEES}"
        )));
    }
    for &u in &users {
        let member: Option<(i64,)> = tx
            .optional(
                "SELECT user_id FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
                args![workspace, u],
            )
            .await?;
        if member.is_none() {
            return Err(ApiError::invalid(format!(
                "assignees: {u} is not a member of this workspace"
            )));
        }
    }
    Ok(users)
}

/// 400 unless every id of `labels` is a label of `board` (duplicates dropped).
pub async fn check_labels(tx: &mut Tx, board: i64, labels: &[i64]) -> ApiResult<Vec<i64>> {
    let mut labels = labels.to_vec();
    labels.sort_unstable();
    labels.dedup();
    for &l in &labels {
        let found: Option<(i64,)> = tx
            .optional(
                "SELECT id FROM task_labels WHERE id = $1 AND board_id = $2",
                args![l, board],
            )
            .await?;
        if found.is_none() {
            return Err(ApiError::invalid(format!(
                "labels: {l} is not a label of this board"
            )));
        }
    }
    Ok(labels)
}

/// Replaces a task's assignees and/or labels (checked already).
async fn set_people_and_labels(
    tx: &mut Tx,
    task: i64,
    assignees: Option<&[i64]>,
    labels: Option<&[i64]>,
) -> ApiResult<()> {
    if let Some(users) = assignees {
        tx.execute("DELETE FROM task_assignees WHERE task_id = $1", args![task])
            .await?;
        for &u in users {
            tx.execute(
                "INSERT INTO task_assignees (task_id, user_id) VALUES ($1, $2)",
                args![task, u],
            )
            .await?;
        }
    }
    if let Some(labels) = labels {
        tx.execute(
            "DELETE FROM task_label_links WHERE task_id = $1",
            args![task],
        )
        .await?;
        for &l in labels {
            tx.execute(
                "INSERT INTO task_label_links (task_id, label_id) VALUES ($1, $2)",
                args![task, l],
            )
            .await?;
        }
    }
    Ok(())
}

/// Adds an item at the end of a task's checklist; the task as it is now.
pub async fn add_checklist_item(
    tx: &mut Tx,
    b: &Board,
    t: &Task,
    text: &str,
) -> ApiResult<(Task, TasksEvent)> {
    if t.checklist.len() >= MAX_CHECKLIST {
        return Err(ApiError::invalid(format!(
            "checklist: at most {MAX_CHECKLIST} items"
        )));
    }
    let last = t.checklist.last().map(|c| c.rank.as_str());
    let rank = rank::between(last, None).unwrap_or_else(|| {
        // Ranks grown long: after every item whatever the order (ties broken by id).
        last.unwrap_or("V").to_owned()
    });
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO task_checklist (task_id, text, rank) VALUES ($1, '', $2) RETURNING id",
            args![t.id, rank],
        )
        .await?;
    write_sealed(tx, b.workspace_id, "task_checklist", "text", id, text).await?;
    touched(tx, t.id).await
}

/// Changes a checklist item; the task as it is now.
pub async fn change_checklist_item(
    tx: &mut Tx,
    b: &Board,
    item: &ChecklistItem,
    text: Option<&str>,
    checked: Option<bool>,
) -> ApiResult<(Task, TasksEvent)> {
    if let Some(text) = text {
        write_sealed(tx, b.workspace_id, "task_checklist", "text", item.id, text).await?;
    }
    match checked {
        Some(true) => {
            tx.execute(
                "UPDATE task_checklist SET checked_at = COALESCE(checked_at, $2) WHERE id = $1",
                args![item.id, now()],
            )
            .await?;
        }
        Some(false) => {
            tx.execute(
                "UPDATE task_checklist SET checked_at = NULL WHERE id = $1",
                args![item.id],
            )
            .await?;
        }
        None => {}
    }
    touched(tx, item.task_id).await
}

/// Deletes a checklist item; the task as it is now.
pub async fn delete_checklist_item(
    tx: &mut Tx,
    item: &ChecklistItem,
) -> ApiResult<(Task, TasksEvent)> {
    tx.execute("DELETE FROM task_checklist WHERE id = $1", args![item.id])
        .await?;
    touched(tx, item.task_id).await
}

/// The checklist item `id`.
pub async fn checklist_item(tx: &mut Tx, id: i64) -> ApiResult<ChecklistItem> {
    let row: Option<(i64,)> = tx
        .optional(
            "SELECT task_id FROM task_checklist WHERE id = $1",
            args![id],
        )
        .await?;
    let (task_id,) = row.ok_or_else(|| ApiError::not_found("checklist item"))?;
    task(tx, task_id)
        .await?
        .checklist
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::not_found("checklist item"))
}

/// A task changed through one of its parts: a new revision, announced whole.
async fn touched(tx: &mut Tx, task_id: i64) -> ApiResult<(Task, TasksEvent)> {
    tx.execute(
        "UPDATE tasks SET revision = revision + 1, updated_at = $2 WHERE id = $1",
        args![task_id, now()],
    )
    .await?;
    let task = task(tx, task_id).await?;
    Ok((task.clone(), TasksEvent::Task { task }))
}

/// The most people a task is assigned to.
pub const MAX_ASSIGNEES: usize = 50;
/// The most items a checklist holds.
pub const MAX_CHECKLIST: usize = 200;

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
    let mut one = [task_from(tx, row.ok_or_else(|| ApiError::not_found("task"))?).await?];
    details(tx, &mut one, Of::Task(id)).await?;
    let [task] = one;
    Ok(task)
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
/// (their ids are returned, for the events).
async fn place(
    tx: &mut Tx,
    siblings: Siblings,
    mover: i64,
    after: Option<i64>,
) -> ApiResult<(String, Vec<i64>)> {
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
        let sql = format!("UPDATE {table} SET rank = $2, revision = revision + 1 WHERE id = $1");
        tx.execute(sqlx::AssertSqlSafe(sql), args![id, r]).await?;
        reranked.push(id);
    }
    Ok((mine.expect("the mover is placed"), reranked))
}

/// Makes a list, after the board's last one.
pub async fn create_list(
    tx: &mut Tx,
    b: &Board,
    name: &str,
) -> ApiResult<(TaskList, Vec<TasksEvent>)> {
    let (rank, reranked) = place(tx, Siblings::Lists { board: b.id }, 0, Some(0)).await?;
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO task_lists (board_id, name, rank) VALUES ($1, '', $2) RETURNING id",
            args![b.id, rank],
        )
        .await?;
    write_sealed(tx, b.workspace_id, "task_lists", "name", id, name).await?;
    let list = list(tx, id).await?;
    let mut events = lists_reranked(tx, reranked).await?;
    events.push(TasksEvent::List { list: list.clone() });
    Ok((list, events))
}

/// Lists spread out again: each list's new state.
async fn lists_reranked(tx: &mut Tx, reranked: Vec<i64>) -> ApiResult<Vec<TasksEvent>> {
    let mut events = Vec::with_capacity(reranked.len());
    for id in reranked {
        events.push(TasksEvent::List {
            list: list(tx, id).await?,
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
        write_sealed(tx, b.workspace_id, "task_lists", "name", l.id, name).await?;
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
    let (rank, reranked) = place(tx, Siblings::Lists { board: b.id }, l.id, after).await?;
    tx.execute(
        "UPDATE task_lists SET rank = $2, revision = revision + 1 WHERE id = $1",
        args![l.id, rank],
    )
    .await?;
    let list = list(tx, l.id).await?;
    let mut events = lists_reranked(tx, reranked).await?;
    events.push(TasksEvent::List { list: list.clone() });
    Ok((list, events))
}

/// Makes a task at the top or the bottom of a list.
#[allow(clippy::too_many_arguments)]
pub async fn create_task(
    tx: &mut Tx,
    b: &Board,
    list_id: i64,
    me: i64,
    title: &str,
    description: &str,
    at: End,
    assignees: &[i64],
    labels: &[i64],
) -> ApiResult<(Task, Vec<TasksEvent>)> {
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
    set_people_and_labels(tx, id, Some(assignees), Some(labels)).await?;
    let task = task(tx, id).await?;
    let mut events = tasks_reranked(b.id, list_id, reranked);
    events.push(TasksEvent::Task { task: task.clone() });
    Ok((task, events))
}

/// Tasks spread out again: one event that sends clients to the board.
fn tasks_reranked(board_id: i64, list_id: i64, tasks: Vec<i64>) -> Vec<TasksEvent> {
    if tasks.is_empty() {
        return Vec::new();
    }
    vec![TasksEvent::Reranked { board_id, list_id }]
}

/// Changes a task's fields.
pub async fn change_task(
    tx: &mut Tx,
    b: &Board,
    t: &Task,
    change: &TaskChange,
) -> ApiResult<(Task, TasksEvent)> {
    if let Some(title) = &change.title {
        write_sealed(tx, b.workspace_id, "tasks", "title", t.id, title).await?;
    }
    if let Some(description) = &change.description {
        write_sealed(
            tx,
            b.workspace_id,
            "tasks",
            "description",
            t.id,
            description,
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
    set_people_and_labels(
        tx,
        t.id,
        change.assignees.as_deref(),
        change.labels.as_deref(),
    )
    .await?;
    touched(tx, t.id).await
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
