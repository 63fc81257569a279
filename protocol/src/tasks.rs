//! Tasks: a workspace's kanban boards, their lists (columns) in order and the tasks of
//! each list in order.
//!
//! Order is kept by ranks: opaque strings that sort the items of a list (or the lists of
//! a board) when compared byte by byte (`"V" < "VV" < "W"`), ties broken by id. The
//! server alone makes them; a client never sends one, it says where an item goes
//! ([`MoveTask`], [`MoveList`]) and sorts what it receives by rank.

use serde::{Deserialize, Serialize};

/// A board's color, from a fixed palette (the app draws each with its own class).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Color {
    /// Gray (the default).
    #[default]
    Gray,
    /// Red.
    Red,
    /// Orange.
    Orange,
    /// Yellow.
    Yellow,
    /// Green.
    Green,
    /// Teal.
    Teal,
    /// Blue.
    Blue,
    /// Purple.
    Purple,
    /// Pink.
    Pink,
}

impl Color {
    /// Every color, in the palette's order.
    pub const ALL: [Color; 9] = [
        Color::Gray,
        Color::Red,
        Color::Orange,
        Color::Yellow,
        Color::Green,
        Color::Teal,
        Color::Blue,
        Color::Purple,
        Color::Pink,
    ];

    /// The color's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Gray => "gray",
            Color::Red => "red",
            Color::Orange => "orange",
            Color::Yellow => "yellow",
            Color::Green => "green",
            Color::Teal => "teal",
            Color::Blue => "blue",
            Color::Purple => "purple",
            Color::Pink => "pink",
        }
    }

    /// The color named `s` on the wire or in the database.
    pub fn parse(s: &str) -> Option<Color> {
        Color::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A board as a workspace member sees it (every member sees every board of the
/// workspace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    /// Id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// Its name.
    pub name: String,
    /// Its color.
    pub color: Color,
    /// Who created it.
    pub created_by: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds it was archived (read-only, listed apart); `None` while in use.
    pub archived_at: Option<i64>,
    /// Grows with every change: of two copies, the one with the higher revision is newer.
    pub revision: i64,
}

/// A list (column) of a board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskList {
    /// Id.
    pub id: i64,
    /// Its board.
    pub board_id: i64,
    /// Its name.
    pub name: String,
    /// Its place among the board's lists (see the module's docs).
    pub rank: String,
    /// Unix seconds it was archived (with its tasks); `None` while in use.
    pub archived_at: Option<i64>,
    /// Grows with every change.
    pub revision: i64,
}

/// A task (a card).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    /// Id.
    pub id: i64,
    /// Its board.
    pub board_id: i64,
    /// The list it is in.
    pub list_id: i64,
    /// Its title (one line).
    pub title: String,
    /// Its description: Markdown, shown as Messages shows a message.
    pub description: String,
    /// Its place in its list (see the module's docs).
    pub rank: String,
    /// Unix seconds it was marked done; `None` while open.
    pub done_at: Option<i64>,
    /// Unix seconds it was archived (listed apart); `None` while in use.
    pub archived_at: Option<i64>,
    /// Who created it.
    pub created_by: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last change of a field or of its place.
    pub updated_at: i64,
    /// Grows with every change, moves included: of two copies, the one with the higher
    /// revision is newer.
    pub revision: i64,
    /// The members it is assigned to (user ids, ascending).
    pub assignees: Vec<i64>,
    /// Its labels (ids of its board's labels, ascending).
    pub labels: Vec<i64>,
    /// Its checklist, in order.
    pub checklist: Vec<ChecklistItem>,
}

/// An item of a task's checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    /// Id.
    pub id: i64,
    /// Its task.
    pub task_id: i64,
    /// What to do (one line).
    pub text: String,
    /// Its place in the checklist (see the module's docs).
    pub rank: String,
    /// Unix seconds it was checked; `None` while not.
    pub checked_at: Option<i64>,
}

/// A label of a board, given to its tasks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Label {
    /// Id.
    pub id: i64,
    /// Its board.
    pub board_id: i64,
    /// Its name.
    pub name: String,
    /// Its color.
    pub color: Color,
    /// Grows with every change.
    pub revision: i64,
}

/// `POST /boards/{id}/labels`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewLabel {
    /// Its name (unique on the board is not required).
    pub name: String,
    /// Its color (gray if absent).
    #[serde(default)]
    pub color: Color,
}

/// `PATCH /labels/{id}`: what changes (absent fields stay).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelChange {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new color.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
}

/// `POST /tasks/{id}/checklist`: an item, added last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewChecklistItem {
    /// What to do.
    pub text: String,
}

/// `PATCH /checklist/{id}`: what changes (absent fields stay).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistChange {
    /// New text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `true` checks it, `false` unchecks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<bool>,
}

/// A list with its tasks in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListWithTasks {
    /// The list.
    pub list: TaskList,
    /// Its tasks that are not archived, in order.
    pub tasks: Vec<Task>,
}

/// `GET /boards/{id}`: a board, its lists in order, each with its tasks in order
/// (archived lists and tasks left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardView {
    /// The board.
    pub board: Board,
    /// Its labels, oldest first.
    pub labels: Vec<Label>,
    /// Its lists.
    pub lists: Vec<ListWithTasks>,
}

/// `GET /boards/{id}/archive`: what is archived on a board, to look at and restore.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Archive {
    /// The archived lists, in their order, each with its tasks that are not archived
    /// themselves.
    pub lists: Vec<ListWithTasks>,
    /// The archived tasks (of any list), the most recently archived first.
    pub tasks: Vec<Task>,
}

/// `POST /workspaces/{id}/boards`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewBoard {
    /// Its name.
    pub name: String,
    /// Its color (gray if absent).
    #[serde(default)]
    pub color: Color,
}

/// `PATCH /boards/{id}`: what changes (absent fields stay).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardChange {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new color.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// `true` archives it, `false` brings it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// `POST /boards/{id}/lists`: a list, added after the board's last one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewList {
    /// Its name.
    pub name: String,
}

/// `PATCH /lists/{id}`: what changes (absent fields stay).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListChange {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `true` archives it (its tasks go out of the board with it, to its archive, where
    /// they can still be changed or moved back to a list in use), `false` brings it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// `POST /lists/{id}/move`: the list goes right after `after_id` (`null`: first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveList {
    /// The list it goes after, of the same board; `null` (required, not absent) for the
    /// first place. One that is not on the board puts it last; an archived one keeps its
    /// place, so the list goes where that one was.
    #[serde(deserialize_with = "Option::deserialize")]
    pub after_id: Option<i64>,
}

/// Where a new task goes in its list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum End {
    /// First.
    Top,
    /// Last (the default).
    #[default]
    Bottom,
}

/// `POST /lists/{id}/tasks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTask {
    /// Its title.
    pub title: String,
    /// Its description (Markdown; empty if absent).
    #[serde(default)]
    pub description: String,
    /// First or last in the list (last if absent).
    #[serde(default)]
    pub at: End,
    /// Members to assign it to.
    #[serde(default)]
    pub assignees: Vec<i64>,
    /// Labels of the board to give it.
    #[serde(default)]
    pub labels: Vec<i64>,
}

/// `PATCH /tasks/{id}`: what changes (absent fields stay).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskChange {
    /// A new title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `true` marks it done, `false` open again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    /// `true` archives it, `false` brings it back (to its old place if its list is still
    /// there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// Everyone it is assigned to (replaces the list; workspace members only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<i64>>,
    /// All its labels (replaces the list; labels of its board only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<i64>>,
}

/// `POST /tasks/{id}/move`: the task goes into `list_id`, right after `after_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveTask {
    /// The list it goes into (of the same board).
    pub list_id: i64,
    /// The task it goes after; `null` (required, not absent) for the top of the list. If
    /// that task is no longer in the list when the move arrives (someone moved or deleted
    /// it meanwhile), the task goes to the bottom of the list: the move never fails for
    /// that. An archived task keeps its place: the task goes where that one was.
    #[serde(deserialize_with = "Option::deserialize")]
    pub after_id: Option<i64>,
}

/// What the server sends to a workspace's tasks room (`tasks:<workspace id>`) after
/// every change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TasksEvent {
    /// A board was created or changed: its new state.
    Board {
        /// The board.
        board: Board,
    },
    /// A list was created, renamed, moved, archived or restored: its new state.
    List {
        /// The list.
        list: TaskList,
    },
    /// A label was created or changed: its new state.
    Label {
        /// The label.
        label: Label,
    },
    /// A label was deleted (its tasks, which lost it, come as `task` events).
    LabelDeleted {
        /// Its board.
        board_id: i64,
        /// Its id.
        id: i64,
    },
    /// A task was created, changed (its checklist too) or moved: its new state.
    Task {
        /// The task.
        task: Task,
    },
    /// A task was deleted for good.
    TaskDeleted {
        /// Its board.
        board_id: i64,
        /// Its id.
        id: i64,
    },
    /// The ranks of a list's tasks were spread out again (their order unchanged, each
    /// with a new revision): fetch the board again (`GET /boards/{id}`). Rare: after
    /// many moves into one gap.
    Reranked {
        /// The board.
        board_id: i64,
        /// The list.
        list_id: i64,
    },
}

impl crate::realtime::RoomEvent for TasksEvent {
    fn origin(&self) -> crate::realtime::Origin {
        crate::realtime::Origin::Server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_round_trip() {
        for c in Color::ALL {
            assert_eq!(Color::parse(c.as_str()), Some(c));
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::Value::String(c.as_str().into())
            );
        }
        assert_eq!(Color::parse("mauve"), None);
    }

    #[test]
    fn a_move_names_its_neighbour_or_null() {
        let m: MoveTask = serde_json::from_str(r#"{"list_id": 3, "after_id": null}"#).unwrap();
        assert_eq!(m.after_id, None);
        let m: MoveTask = serde_json::from_str(r#"{"list_id": 3, "after_id": 9}"#).unwrap();
        assert_eq!(m.after_id, Some(9));
        assert!(serde_json::from_str::<MoveTask>(r#"{"list_id": 3, "after": 9}"#).is_err());
        // Absent is not null: a client that forgot it is told.
        assert!(serde_json::from_str::<MoveTask>(r#"{"list_id": 3}"#).is_err());
        assert!(serde_json::from_str::<MoveList>(r#"{}"#).is_err());
    }

    #[test]
    fn new_tasks_go_last_unless_said() {
        let t: NewTask = serde_json::from_str(r#"{"title": "a"}"#).unwrap();
        assert_eq!((t.at, t.description.as_str()), (End::Bottom, ""));
        let t: NewTask = serde_json::from_str(r#"{"title": "a", "at": "top"}"#).unwrap();
        assert_eq!(t.at, End::Top);
    }

    #[test]
    fn events_are_tagged() {
        let e = TasksEvent::TaskDeleted { board_id: 1, id: 2 };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"type":"task_deleted","board_id":1,"id":2}"#
        );
    }
}
