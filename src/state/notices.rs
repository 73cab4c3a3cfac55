//! Announcements: short messages shown in a `role=status` region of the
//! frame (e.g. "Ada Novak restored"), optionally with one action ("Undo").
//! Each stays [`NOTICE_MS`] after it was last hovered or focused, and as
//! long as the pointer or focus is on it, so an "Undo" cannot vanish while
//! someone reaches for it (WCAG 2.2.1).

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
    /// Per announcement: which timer may dismiss it (bumped on each hold),
    /// and whether the pointer or focus is on it now.
    timers: StoredValue<Vec<(u64, u32, bool)>>,
}

/// How long an announcement stays once nothing holds it, in milliseconds.
pub const NOTICE_MS: u32 = 10_000;

/// The element id of announcement `id` (focusable, for moving focus to it).
pub fn notice_element_id(id: u64) -> String {
    format!("notice-{id}")
}

impl Notices {
    pub fn new() -> Self {
        Notices {
            items: RwSignal::new_local(Vec::new()),
            next_id: StoredValue::new(0),
            timers: StoredValue::new(Vec::new()),
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
        self.timers.update_value(|t| t.push((id, 0, false)));
        self.start_timer(id, 0);
        id
    }

    /// Dismisses `id` after [`NOTICE_MS`] unless it is held or re-timed meanwhile.
    fn start_timer(&self, id: u64, generation: u32) {
        let this = *self;
        gloo_timers::callback::Timeout::new(NOTICE_MS, move || {
            let due = this
                .timers
                .try_with_value(|t| {
                    t.iter()
                        .any(|&(i, g, held)| i == id && g == generation && !held)
                })
                .unwrap_or(false);
            if due {
                this.dismiss(id);
            }
        })
        .forget();
    }

    /// The pointer or focus came to announcement `id` (`true`) or left it
    /// (`false`): it stays while held, and [`NOTICE_MS`] after.
    pub fn hold(&self, id: u64, held: bool) {
        let mut restart = None;
        self.timers.update_value(|t| {
            if let Some(entry) = t.iter_mut().find(|(i, _, _)| *i == id) {
                entry.1 += 1;
                entry.2 = held;
                restart = (!held).then_some(entry.1);
            }
        });
        if let Some(generation) = restart {
            self.start_timer(id, generation);
        }
    }

    /// Removes one announcement.
    pub fn dismiss(&self, id: u64) {
        // The owner may be gone (a test unmounted the app): ignore then.
        let _ = self.items.try_update(|items| items.retain(|n| n.id != id));
        let _ = self
            .timers
            .try_update_value(|t| t.retain(|(i, _, _)| *i != id));
    }

    /// The ids of the announcements shown now, oldest first (tracked).
    pub fn ids(&self) -> Vec<u64> {
        self.items
            .with(|items| items.iter().map(|n| n.id).collect())
    }

    /// Announcement `id`, if still shown (not tracked).
    pub fn get(&self, id: u64) -> Option<Notice> {
        self.items
            .with_untracked(|items| items.iter().find(|n| n.id == id).cloned())
    }

    /// Moves focus to announcement `id` once painted, else to the page's
    /// heading (after an action whose control went away, e.g. Restore).
    pub fn focus_after_render(&self, id: u64) {
        request_animation_frame(move || {
            crate::components::focus::focus_id_or_heading(&notice_element_id(id))
        });
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
