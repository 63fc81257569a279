//! Toast notifications: short messages in a polite live region (screen readers read them
//! when they are idle), each with an optional action such as "Undo" and a close button.
//! A toast leaves after [`TOAST_MS`], or later while the pointer or focus is on the
//! region (so nobody loses an Undo while reaching for it).

use leptos::prelude::*;

use crate::i18n::*;

/// How long a toast stays (ms).
pub const TOAST_MS: u32 = 8000;

/// A toast's action button.
#[derive(Clone)]
pub struct ToastAction {
    /// Its label, e.g. "Undo".
    pub label: String,
    /// What it does (the toast closes first).
    pub run: Callback<()>,
}

#[derive(Clone)]
struct Toast {
    id: u64,
    message: String,
    action: Option<ToastAction>,
    error: bool,
}

/// The app's toasts; [`provide_toaster`] at the root, [`use_toaster`] anywhere below.
#[derive(Clone, Copy)]
pub struct Toaster {
    toasts: RwSignal<Vec<Toast>>,
    next: RwSignal<u64>,
    held: RwSignal<bool>,
}

impl Toaster {
    /// Shows `message`, with `action` if given.
    pub fn show(&self, message: impl Into<String>, action: Option<ToastAction>) {
        self.push(message.into(), action, false);
    }

    /// Shows an error `message`.
    pub fn error(&self, message: impl Into<String>) {
        self.push(message.into(), None, true);
    }

    fn push(&self, message: String, action: Option<ToastAction>, error: bool) {
        let id = self.next.get_untracked();
        self.next.set(id + 1);
        self.toasts.update(|t| {
            t.push(Toast {
                id,
                message,
                action,
                error,
            });
            // At most five on screen: the oldest go first.
            let extra = t.len().saturating_sub(5);
            t.drain(..extra);
        });
        self.expire_later(id);
    }

    fn expire_later(&self, id: u64) {
        let this = *self;
        // Runs once; dismissing a toast that is gone already does nothing.
        gloo_timers::callback::Timeout::new(TOAST_MS, move || {
            if this.held.get_untracked() {
                this.expire_later(id);
            } else {
                this.dismiss(id);
            }
        })
        .forget();
    }

    /// Removes toast `id`.
    fn dismiss(&self, id: u64) {
        self.toasts.update(|t| t.retain(|x| x.id != id));
    }
}

/// Provides the app's [`Toaster`] (call once, at the root, and render [`ToastRegion`]).
pub fn provide_toaster() -> Toaster {
    let t = Toaster {
        toasts: RwSignal::new(Vec::new()),
        next: RwSignal::new(1),
        held: RwSignal::new(false),
    };
    provide_context(t);
    t
}

/// The app's [`Toaster`].
pub fn use_toaster() -> Toaster {
    expect_context::<Toaster>()
}

/// Where toasts appear (bottom of the screen); rendered once, always present, so that
/// screen readers know the live region before anything is said in it.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let i18n = use_i18n();
    let t = use_toaster();
    view! {
        <section class="ui-toasts" aria-label=move || t_string!(i18n, ui.notifications)
            on:mouseenter=move |_| t.held.set(true)
            on:mouseleave=move |_| t.held.set(false)
            on:focusin=move |_| t.held.set(true)
            on:focusout=move |_| t.held.set(false)>
            <div role="status" aria-live="polite">
            <ol class="ui-toast-list">
                <For each=move || t.toasts.get() key=|x| x.id let(x)>
                    <li class="ui-toast" class:error=x.error>
                        <span class="ui-toast-message">{x.message.clone()}</span>
                        {x.action.clone().map(|a| {
                            let id = x.id;
                            view! {
                                <button type="button" class="ui-toast-action" on:click=move |_| {
                                    t.dismiss(id);
                                    a.run.run(());
                                }>{a.label.clone()}</button>
                            }
                        })}
                        <button type="button" class="ui-icon-button" aria-label=move || t_string!(i18n, ui.dismiss)
                            on:click={
                                let id = x.id;
                                move |_| t.dismiss(id)
                            }>{"×"}</button>
                    </li>
                </For>
            </ol>
            </div>
        </section>
    }
}
