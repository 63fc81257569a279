//! Huddle single-page app: entry point.
//!
//! `app.rs` holds the routes; `shell/` the workspace shell and what every app shares;
//! `apps/<app>/` each app, its state provided by its root route; `pages/` the pages
//! outside a workspace (sign-in, home) and People; `api.rs` the only HTTP client,
//! `realtime.rs` the relay connection (transport and keys only).
//!
//! Strict CSP rule for views: Leptos renders an element whose attributes and children are
//! all literals ("inert") through `innerHTML`, which Trusted Types blocks. Write text as
//! `{"text"}` blocks and give otherwise-empty elements a `{""}` child, so that every
//! element is built node by node. The end-to-end tests fail on any CSP violation.

mod api;
mod app;
mod apps;
mod markdown;
mod pages;
mod pwa;
mod qr;
mod realtime;
mod session;
mod shell;
mod theme;
mod time;
mod ui;
mod webauthn;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    pwa::register();
}
