//! Which rows of a large folder are in the DOM: those on screen and [`OVERSCAN`] more
//! each way, between two spacer rows that keep the table's full height (so the scroll bar
//! and the scroll position stay true). A folder of up to [`FROM`] items is drawn whole.
//!
//! [`range`] is pure (rows of one height, measured on the page); [`use_scroll`] counts
//! scrolls of the page or of any element in it, and resizes, for the view to recompute.

use std::ops::Range;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Folders of up to this many items are drawn whole.
pub const FROM: usize = 200;
/// Rows drawn beyond each edge of the screen.
pub const OVERSCAN: usize = 20;

/// The rows to draw of `n` rows of `row` pixels whose first starts `top` pixels below the
/// top of a screen `height` pixels high (negative: scrolled past).
pub fn range(n: usize, row: f64, top: f64, height: f64) -> Range<usize> {
    if n <= FROM || row <= 0.0 {
        return 0..n;
    }
    let first = ((-top).max(0.0) / row).floor() as usize;
    let last = ((height - top).max(0.0) / row).ceil() as usize;
    let start = first.saturating_sub(OVERSCAN).min(n);
    let end = (last + OVERSCAN).clamp(start, n);
    start..end
}

/// `r` within `0..len`: the rows drawn a moment ago, of a folder that has shrunk since
/// (the window catches up on the next turn; meanwhile the rows that remain stay).
pub fn clamp(r: Range<usize>, len: usize) -> Range<usize> {
    let end = r.end.min(len);
    r.start.min(end)..end
}

/// A counter that goes up on every scroll (of the page or of any element: listened to
/// in the capture phase, since scroll events do not bubble) and every resize.
pub fn use_scroll() -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    let bump = Closure::<dyn Fn()>::new(move || set_tick.update(|t| *t = t.wrapping_add(1)));
    let win = web_sys::window().expect("a window");
    let _ = win.add_event_listener_with_callback_and_bool(
        "scroll",
        bump.as_ref().unchecked_ref(),
        true,
    );
    let _ = win.add_event_listener_with_callback("resize", bump.as_ref().unchecked_ref());
    let bump = send_wrapper::SendWrapper::new(bump);
    on_cleanup(move || {
        if let Some(win) = web_sys::window() {
            let f = bump.as_ref().unchecked_ref();
            let _ = win.remove_event_listener_with_callback_and_bool("scroll", f, true);
            let _ = win.remove_event_listener_with_callback("resize", f);
        }
    });
    tick
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_window_is_clamped_not_emptied() {
        assert_eq!(clamp(0..10, 9), 0..9);
        assert_eq!(clamp(5..10, 3), 3..3);
        assert_eq!(clamp(2..4, 9), 2..4);
    }

    #[test]
    fn small_folders_are_whole() {
        assert_eq!(range(FROM, 40.0, -5000.0, 800.0), 0..FROM);
    }

    #[test]
    fn the_screen_and_a_margin_are_drawn() {
        // 10,000 rows of 40 px, the table's top 8,000 px above the screen: rows 200 to
        // 220 are on it.
        assert_eq!(range(10_000, 40.0, -8000.0, 800.0), 180..240);
        // At the top, with the table starting 300 px down.
        assert_eq!(range(10_000, 40.0, 300.0, 800.0), 0..33);
        // At the end.
        assert_eq!(range(10_000, 40.0, -399_500.0, 800.0), 9967..10_000);
        // Far below the screen: just a margin at the start.
        assert_eq!(range(10_000, 40.0, 5000.0, 800.0), 0..20);
        // Scrolled past the whole table: nothing drawn.
        assert_eq!(range(10_000, 40.0, -500_000.0, 800.0), 10_000..10_000);
    }
}
