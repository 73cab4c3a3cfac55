//! Announcements: short messages shown in a `role=status` region of the
//! frame (e.g. "Ada Novak restored"), optionally with one action ("Undo").

use std::rc::Rc;

use leptos::prelude::*;

/// An optional action offered with an announcement.
#[derive(Clone)]
pub struct NoticeAction {
    pub label: String,
    pub run: Rc<dyn Fn()>,
}

/// One announcement.
#[derive(Clone)]
pub struct Notice {
    pub id: u64,
    pub message: String,
    pub action: Option<NoticeAction>,
}

/// The announcements currently shown, newest last.
#[derive(Clone, Copy)]
pub struct Notices {
    items: RwSignal<Vec<Notice>, LocalStorage>,
    next_id: StoredValue<u64>,
}

/// How long an announcement stays, in milliseconds.
pub const NOTICE_MS: u32 = 8_000;

impl Notices {
    pub fn new() -> Self {
        Notices {
            items: RwSignal::new_local(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }

    /// Announces `message`.
    pub fn announce(&self, message: impl Into<String>) -> u64 {
        self.push(message.into(), None)
    }

    /// Announces `message` with a button (e.g. "Undo").
    pub fn announce_with_action(
        &self,
        message: impl Into<String>,
        label: impl Into<String>,
        run: impl Fn() + 'static,
    ) -> u64 {
        self.push(
            message.into(),
            Some(NoticeAction {
                label: label.into(),
                run: Rc::new(run),
            }),
        )
    }

    fn push(&self, message: String, action: Option<NoticeAction>) -> u64 {
        let id = self.next_id.try_get_value().unwrap_or(0) + 1;
        self.next_id.set_value(id);
        self.items.update(|items| {
            items.push(Notice {
                id,
                message,
                action,
            })
        });
        let this = *self;
        gloo_timers::callback::Timeout::new(NOTICE_MS, move || this.dismiss(id)).forget();
        id
    }

    /// Removes one announcement.
    pub fn dismiss(&self, id: u64) {
        // The owner may be gone (a test unmounted the app): ignore then.
        let _ = self.items.try_update(|items| items.retain(|n| n.id != id));
    }

    /// The announcements shown now.
    pub fn items(&self) -> Vec<Notice> {
        self.items.get()
    }
}

impl Default for Notices {
    fn default() -> Self {
        Self::new()
    }
}

/// The announcements from context.
pub fn use_notices() -> Notices {
    expect_context::<Notices>()
}
