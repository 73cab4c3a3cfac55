//! "Delete <First Last>?": says what happens (the user moves to Archived,
//! their access token stops working, their agents go to a replacement
//! owner), asks for the "Replacement user" when they own agents, and
//! archives. Success is announced with "Undo", which restores.

use leptos::prelude::*;
use users_api::{AgentRef, DeleteUser, UserSummary};

use super::modal::Modal;
use super::replacement_picker::{ReplacementPicker, INPUT_ID};
use crate::api::{use_api, ApiError};
use crate::components::focus::focus_id_after_render;
use crate::state::loaded::Loaded;
use crate::state::notices::use_notices;
use crate::state::outcome::on_outcome;
use crate::state::restore::use_restore;
use crate::state::row_action::use_list_reload;
use crate::state::session::use_session;

/// Why the replacement is missing (shown under "Replacement user").
const CHOOSE_REPLACEMENT: &str = "Choose a replacement user to take over the agents.";

#[component]
pub fn DeleteDialog(
    user: UserSummary,
    /// The "More actions for …" button to return focus to.
    return_focus_id: String,
    #[prop(into)] on_close: UnsyncCallback<()>,
) -> impl IntoView {
    let api = use_api();
    let notices = use_notices();
    let reload = use_list_reload();
    let restore = use_restore();
    let is_me = use_session()
        .me_untracked()
        .is_some_and(|me| me.user.summary.id == user.id);
    let id = user.id;
    let name = user.full_name();
    let title_id = "delete-dialog-title";
    let description_id = "delete-dialog-description";

    // The user as stored now: their agents (and groups) may have changed
    // since the list was loaded.
    let detail = Loaded::new(move || api.call(move |c| c.get_user(id)));
    // Agents the server named when it refused the delete: newer than `detail`.
    let refused_for = RwSignal::new(None::<Vec<AgentRef>>);
    // `None` while the agents are being fetched. When they cannot be,
    // deleting still works: the server names the agents if there are any.
    let agents = Memo::new(move |_| {
        refused_for.get().or_else(|| {
            detail
                .get()
                .map(|answer| answer.map(|d| d.agents).unwrap_or_default())
        })
    });
    let groups = Memo::new(move |_| match detail.get() {
        Some(Ok(d)) => d.summary.groups.into_iter().map(|g| g.name).collect(),
        _ => user
            .groups
            .iter()
            .map(|g| g.name.clone())
            .collect::<Vec<_>>(),
    });
    let load_error = move || match detail.get() {
        Some(Err(e)) => e
            .shown()
            .map(|why| format!("Could not load this user's agents. {why}")),
        _ => None,
    };
    let replacement = RwSignal::new(None::<UserSummary>);
    let replacement_error = RwSignal::new(None::<String>);
    let owns_agents = move || agents.with(|a| a.as_ref().is_some_and(|a| !a.is_empty()));

    let delete = Action::new_local(move |body: &DeleteUser| {
        let body = body.clone();
        api.call(move |c| c.delete_user(id, &body))
    });
    let error = RwSignal::new(None::<String>);
    let on_delete = move |_| {
        if delete.pending().get_untracked() || is_me {
            return;
        }
        let replacement_id = replacement.with_untracked(|r| r.as_ref().map(|u| u.id));
        if owns_agents() && replacement_id.is_none() {
            replacement_error.set(Some(CHOOSE_REPLACEMENT.to_string()));
            focus_id_after_render(INPUT_ID);
            return;
        }
        error.set(None);
        delete.dispatch(DeleteUser {
            replacement_owner_id: if owns_agents() { replacement_id } else { None },
        });
    };
    // What the server answered.
    let done_name = name.clone();
    on_outcome(delete, move |result| {
        let name = done_name.clone();
        match result {
            Ok(_) => {
                on_close.run(());
                let undo_name = name.clone();
                notices.announce_with_action(format!("{name} archived"), "Undo", move || {
                    restore.dispatch(id, undo_name.clone())
                });
                reload.reload();
            }
            Err(ApiError::OwnsAgents { agents: owned }) => {
                refused_for.set(Some(owned));
                replacement_error.set(Some(CHOOSE_REPLACEMENT.to_string()));
                focus_id_after_render(INPUT_ID);
            }
            Err(ApiError::Invalid { fields }) if fields.contains_key("replacement_owner_id") => {
                replacement.set(None);
                replacement_error.set(Some(
                    "Replacement user must be another active user. Choose someone else."
                        .to_string(),
                ));
                focus_id_after_render(INPUT_ID);
            }
            Err(ApiError::CannotArchiveSelf) => error.set(Some(
                "You cannot delete yourself. Another administrator can do it.".to_string(),
            )),
            Err(ApiError::LastAdmin) => error.set(Some(format!(
                "{name} is the last active user with the Settings role. Give Settings to someone else first, so the company can still manage its users."
            ))),
            Err(ApiError::NotFound) => {
                error.set(Some(format!("{name} no longer exists or was already deleted.")));
                reload.reload();
            }
            Err(e) => error.set(e.shown()),
        }
    });
    let busy = delete.pending();

    let agents_view = {
        let name = name.clone();
        move || match agents.get() {
            None => {
                view! { <p class="muted" role="status">"Checking for agents this user owns…"</p> }
                    .into_any()
            }
            Some(list) if list.is_empty() => {
                view! { <p>{format!("{name} owns no agents.")}</p> }.into_any()
            }
            Some(list) => {
                let count = list.len();
                let items = list
                    .into_iter()
                    .map(|a| view! { <li>{a.name}</li> })
                    .collect_view();
                view! {
                    <div class="agents">
                        <p>
                            {format!(
                                "{name} owns {count} agent{}. Choose a replacement user who becomes their owner:",
                                if count == 1 { "" } else { "s" },
                            )}
                        </p>
                        <ul class="agent-list">{items}</ul>
                        <ReplacementPicker exclude=id selected=replacement error=replacement_error />
                    </div>
                }
                .into_any()
            }
        }
    };

    let groups_line = {
        let name = name.clone();
        move || {
            let groups = groups.get();
            (!groups.is_empty()).then(|| {
                view! {
                    <p>
                        {format!(
                            "{name} keeps their groups ({}) and roles, so restoring gives them back.",
                            groups.join(", "),
                        )}
                    </p>
                }
            })
        }
    };

    view! {
        <Modal
            labelled_by=title_id
            described_by=description_id
            on_cancel=move || on_close.run(())
            return_focus_id=return_focus_id
            class="delete-dialog"
        >
            <h2 id=title_id class="dialog-title">{format!("Delete {name}?")}</h2>
            <div id=description_id>
                <p>{format!("{name} moves to Archived, where you can restore them.")}</p>
                <p>"Their access token stops working for good: if they are restored, they get a new one."</p>
            </div>
            {groups_line}
            {is_me.then(|| view! {
                <p class="dialog-error" role="alert">
                    "You cannot delete yourself. Another administrator can do it."
                </p>
            })}
            {(!is_me).then_some(agents_view)}
            {move || {
                error
                    .get()
                    .or_else(load_error)
                    .map(|e| view! { <p class="dialog-error" role="alert">{e}</p> })
            }}
            <div class="dialog-actions">
                {(!is_me).then(|| view! {
                    <button
                        type="button"
                        class="button danger"
                        disabled=move || busy.get() || agents.with(Option::is_none)
                        aria-busy=move || busy.get().then_some("true")
                        on:click=on_delete
                    >
                        "Delete"
                    </button>
                })}
                <button type="button" class="button" autofocus=true on:click=move |_| on_close.run(())>
                    "Cancel"
                </button>
            </div>
        </Modal>
    }
}
