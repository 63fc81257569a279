-- Tasks: a workspace's kanban boards (see server/src/api/tasks/).
--
-- `task_boards`: boards; `name` is sealed (vault). `task_lists`: a board's lists, in the
-- order of `rank`; `tasks`: a list's tasks, in the order of `rank`. A rank is a
-- fractional index (digits 0-9A-Za-z) compared byte by byte (ties, which the server never
-- makes, broken by id): a move computes one rank between two neighbours and changes one
-- row. `title`, `description` and list names are sealed. An archived list or task keeps
-- its rank, and comes back to its place. Every row has a revision that grows with every
-- change, a move or a new rank included.
CREATE TABLE task_boards (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    color        TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    archived_at  INTEGER,
    revision     INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX task_boards_workspace ON task_boards(workspace_id);

CREATE TABLE task_lists (
    id          INTEGER PRIMARY KEY,
    board_id    INTEGER NOT NULL REFERENCES task_boards(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    rank        TEXT NOT NULL,
    archived_at INTEGER,
    revision    INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX task_lists_board ON task_lists(board_id, rank);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    board_id    INTEGER NOT NULL REFERENCES task_boards(id) ON DELETE CASCADE,
    list_id     INTEGER NOT NULL REFERENCES task_lists(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    rank        TEXT NOT NULL,
    done_at     INTEGER,
    archived_at INTEGER,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    revision    INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX tasks_list ON tasks(list_id, rank);
CREATE INDEX tasks_board ON tasks(board_id);

-- Who a task is assigned to (workspace members when assigned).
CREATE TABLE task_assignees (
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, user_id)
) STRICT;
CREATE INDEX task_assignees_user ON task_assignees(user_id);

-- A board's labels (`name` sealed), and which task has which.
CREATE TABLE task_labels (
    id       INTEGER PRIMARY KEY,
    board_id INTEGER NOT NULL REFERENCES task_boards(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    color    TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX task_labels_board ON task_labels(board_id);
CREATE TABLE task_label_links (
    task_id  INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    label_id INTEGER NOT NULL REFERENCES task_labels(id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, label_id)
) STRICT;
CREATE INDEX task_label_links_label ON task_label_links(label_id);

-- A task's checklist, in the order of `rank` (`text` sealed).
CREATE TABLE task_checklist (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    rank       TEXT NOT NULL,
    checked_at INTEGER
) STRICT;
CREATE INDEX task_checklist_task ON task_checklist(task_id, rank);
