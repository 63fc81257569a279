//! How a folder is shown: a list (a table with sortable columns) or a grid of cards
//! (bigger thumbnails), chosen with two toggle buttons and remembered by the browser.

use leptos::prelude::*;

const KEY: &str = "huddle.drive.layout";

/// How many cards a row of the folder's grid holds (for ↑/↓ from a card).
#[derive(Clone, Copy)]
pub struct Layout {
    /// Cards per row of the grid.
    pub columns: Signal<usize>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether this browser showed folders as a grid last.
pub fn load_grid() -> bool {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .is_some_and(|v| v == "grid")
}

/// Remembers the choice.
pub fn save_grid(grid: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, if grid { "grid" } else { "list" });
    }
}

/// The number of columns of the CSS grid `el` lays out (1 if it is not one).
pub fn columns_of(el: &web_sys::Element) -> usize {
    web_sys::window()
        .and_then(|w| w.get_computed_style(el).ok().flatten())
        .and_then(|st| st.get_property_value("grid-template-columns").ok())
        .map(|v| count_tracks(&v))
        .unwrap_or(1)
}

/// How many tracks a computed `grid-template-columns` lists (`"160px 160px 160px"`: 3).
pub fn count_tracks(value: &str) -> usize {
    value.split_whitespace().count().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_are_counted_from_the_computed_value() {
        assert_eq!(count_tracks("160px 160px 160.5px"), 3);
        assert_eq!(count_tracks("none"), 1);
        assert_eq!(count_tracks(""), 1);
    }
}
