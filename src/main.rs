//! Huddle single-page app: entry point.
//!
//! `app.rs` holds the routes, `pages/` one module per route, `api.rs` the only HTTP
//! client, `realtime.rs` the relay connection and room keys.
//!
//! Strict CSP rule for views: Leptos renders an element whose attributes and children are
//! all literals ("inert") through `innerHTML`, which Trusted Types blocks. Write text as
//! `{"text"}` blocks and give otherwise-empty elements a `{""}` child, so that every
//! element is built node by node. The end-to-end tests fail on any CSP violation.

mod api;
mod app;
mod apps;
mod markdown;
mod message_window;
mod pages;
mod presence;
mod realtime;
mod session;
mod theme;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
