//! The roles table of docs/security.md says what `Role::may` does: one row per
//! `Action` (in `Action::ALL` order), one column per role.

use huddle_protocol::workspaces::{Action, Role};

#[test]
fn the_documented_roles_table_is_role_may() {
    let doc = include_str!("../../docs/security.md");
    let table = doc
        .split("<!-- roles table")
        .nth(1)
        .expect("docs/security.md has the roles table");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    assert_eq!(rows[0], ["action", "member", "admin", "owner"]);
    let body = &rows[2..];
    assert_eq!(body.len(), Action::ALL.len(), "one row per action");
    for (row, action) in body.iter().zip(Action::ALL) {
        for (cell, role) in row[1..].iter().zip(Role::ALL) {
            let documented = if cell.starts_with("yes") {
                true
            } else {
                assert!(cell.starts_with("no"), "{cell:?} in {row:?}");
                false
            };
            assert_eq!(documented, role.may(action), "{role:?} {action:?}: {row:?}");
        }
    }
}
