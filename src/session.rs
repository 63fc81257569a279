//! Who is signed in, shared through context.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, User};

/// The session (in context).
#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in user, once known.
    pub user: RwSignal<Option<User>>,
    /// Whether the first session check has answered.
    pub checked: RwSignal<bool>,
    /// The browser is offline, or the server out of reach (the check waits for the
    /// network to come back).
    pub offline: RwSignal<bool>,
}

/// The first wait before the session check is tried again, out of reach; it doubles up
/// to [`RETRY_MAX_MS`].
const RETRY_FIRST_MS: u32 = 2_000;
/// The longest wait between two tries.
const RETRY_MAX_MS: u32 = 60_000;

/// Asks the server who is signed in. Out of reach (offline, or the server down), nobody is
/// sent to the sign-in page for that: the page says it is offline and asks again after
/// `wait` (then twice as long, up to a minute), and at once when the browser says it is
/// back online.
fn check(s: Session, wait: u32) {
    spawn_local(async move {
        match api::session().await {
            Ok(u) => {
                s.offline.set(false);
                s.user.set(u);
                s.checked.set(true);
            }
            Err(e) if e.status == 0 => {
                s.offline.set(true);
                gloo_timers::callback::Timeout::new(wait, move || {
                    if s.offline.get_untracked() {
                        check(s, (wait * 2).min(RETRY_MAX_MS));
                    }
                })
                .forget();
            }
            Err(_) => s.checked.set(true),
        }
    })
}

/// Creates the session, asks the server who we are, and provides it.
pub fn provide() -> Session {
    let s = Session {
        user: RwSignal::new(None),
        checked: RwSignal::new(false),
        offline: RwSignal::new(false),
    };
    check(s, RETRY_FIRST_MS);
    let back = window_event_listener_untyped("online", move |_| {
        if s.offline.get_untracked() || !s.checked.get_untracked() {
            check(s, RETRY_FIRST_MS);
        }
    });
    let gone = window_event_listener_untyped("offline", move |_| s.offline.set(true));
    on_cleanup(move || {
        back.remove();
        gone.remove();
    });
    provide_context(s);
    // The tab's realtime connection: open while signed in; a session that ended elsewhere
    // signs this page out.
    crate::realtime::provide(
        Signal::derive(move || s.user.get().map(|u| u.id)),
        move || {
            forget_private_storage();
            s.user.set(None)
        },
    );
    s
}

/// The session from context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Sends signed-out visitors to the sign-in page.
pub fn require_user() {
    let s = use_session();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if s.checked.get() && s.user.get().is_none() {
            navigate("/signin", Default::default());
        }
    });
}

/// The start of the `localStorage` keys that hold the signed-in person's data (such as
/// the uploads to resume): removed at sign-out.
pub const PRIVATE_STORAGE: &str = "huddle.private.";

/// Removes the signed-in person's data from `localStorage` (see [`PRIVATE_STORAGE`]).
pub fn forget_private_storage() {
    let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let n = s.length().unwrap_or(0);
    let keys: Vec<String> = (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(PRIVATE_STORAGE))
        .collect();
    for k in keys {
        let _ = s.remove_item(&k);
    }
}

/// Signs out (the server ends the session; the tab forgets who was signed in, which closes
/// its relay connection; the person's data in `localStorage` goes) and goes to the
/// sign-in page.
pub fn sign_out(
    session: Session,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
) {
    leptos::task::spawn_local(async move {
        let _ = crate::api::signout().await;
        forget_private_storage();
        session.user.set(None);
        navigate("/signin", Default::default());
    });
}
