//! "Delete <group>?": states what deleting the group does before it
//! happens (its members, and which roles how many of them lose — those
//! they have from no other source), deletes, and says why not when the
//! server refuses (the last Settings holder, a group already gone).

use leptos::prelude::*;
use users_api::{Group, GroupDeletion};

use super::modal::Modal;
use crate::api::{use_api, ApiError};
use crate::state::loaded::Loaded;
use crate::state::notices::use_notices;
use crate::state::outcome::on_outcome;

/// The impact of a deletion as sentences.
pub fn impact(deletion: &GroupDeletion) -> Vec<String> {
    let group = &deletion.group;
    let members = match group.member_count {
        0 => {
            return vec![format!(
                "{} has no members; no one loses a role.",
                group.name
            )]
        }
        1 => "its 1 member".to_string(),
        n => format!("its {n} members"),
    };
    let mut lines = vec![format!(
        "Deleting {} removes it from {members}.",
        group.name
    )];
    if deletion.lost_roles.is_empty() {
        lines.push("No member loses a role: each has the group's roles another way.".to_string());
    } else {
        let losses: Vec<String> = deletion
            .lost_roles
            .iter()
            .map(|loss| {
                let who = if loss.members == 1 {
                    "1 member loses".to_string()
                } else {
                    format!("{} members lose", loss.members)
                };
                format!("{who} {}", loss.role)
            })
            .collect();
        lines.push(format!("{}.", losses.join("; ")));
    }
    lines
}

#[component]
pub fn GroupDeleteDialog(
    group: Group,
    /// Where focus returns when the dialog closes.
    return_focus_id: String,
    #[prop(into)] on_close: UnsyncCallback<()>,
    /// Once the group is gone: right after a successful delete, or when
    /// the dialog that found it already deleted (404) closes.
    #[prop(into)]
    on_deleted: UnsyncCallback<()>,
) -> impl IntoView {
    let api = use_api();
    let notices = use_notices();
    let id = group.id;
    let name = group.name.clone();
    let title_id = "group-delete-title";
    let description_id = "group-delete-description";
    let preview = Loaded::new(move || api.call(move |c| c.group_deletion(id)));
    let delete = Action::new_local(move |_: &()| api.call(move |c| c.delete_group(id)));
    let error = RwSignal::new(None::<String>);
    // Someone else deleted it first: said in the dialog, acted on when it closes.
    let gone = RwSignal::new(false);
    let close = move || {
        on_close.run(());
        if gone.get_untracked() {
            on_deleted.run(());
        }
    };
    let done_name = name.clone();
    on_outcome(delete, move |result| {
        match result {
        Ok(_) => {
            on_close.run(());
            notices.announce(format!("Group {done_name} deleted"));
            on_deleted.run(());
        }
        Err(ApiError::LastAdmin) => error.set(Some(format!(
            "{done_name} can't be deleted: it gives the company's last active administrator the Settings role. Give Settings to someone else first."
        ))),
        Err(ApiError::SelfLockout) => error.set(Some(format!(
            "You can't delete {done_name}: it gives you your Settings access. Another administrator can."
        ))),
        Err(ApiError::NotFound) => {
            error.set(Some(format!("{done_name} no longer exists. Someone else deleted it.")));
            gone.set(true);
        }
        Err(e) => error.set(e.shown()),
    }
    });
    let busy = delete.pending();
    let described = move || match preview.get() {
        None => view! { <p class="muted" role="status">"Checking what deleting it changes…"</p> }
            .into_any(),
        Some(Ok(deletion)) => impact(&deletion)
            .into_iter()
            .map(|line| view! { <p>{line}</p> })
            .collect_view()
            .into_any(),
        Some(Err(e)) => view! {
            <p class="dialog-error" role="alert">
                {e.shown().map(|why| format!("Could not check what deleting it changes. {why}"))}
            </p>
        }
        .into_any(),
    };
    view! {
        <Modal
            labelled_by=title_id
            described_by=description_id
            on_cancel=close
            return_focus_id=return_focus_id
            class="delete-dialog"
        >
            <h2 id=title_id class="dialog-title">{format!("Delete {name}?")}</h2>
            <div id=description_id>{described}</div>
            {move || error.get().map(|e| view! { <p class="dialog-error" role="alert">{e}</p> })}
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button danger"
                    disabled=move || busy.get() || preview.with(Option::is_none) || gone.get()
                    aria-busy=move || busy.get().then_some("true")
                    on:click=move |_| {
                        if !busy.get_untracked() {
                            error.set(None);
                            delete.dispatch(());
                        }
                    }
                >
                    "Delete"
                </button>
                <button type="button" class="button" autofocus=true on:click=move |_| close()>
                    "Cancel"
                </button>
            </div>
        </Modal>
    }
}
