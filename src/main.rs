//! Huddle single-page app: entry point.
//!
//! This is the application shell (navigation between the four apps, theme). The apps
//! themselves arrive with their issues; `app.rs` is the shell, one module per app.

mod app;
mod apps;
mod theme;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
