//! "Delete <First Last>?": says what happens (the user moves to Archived,
//! their access token stops working, their agents go to a replacement
//! owner), asks for the "Replacement user" when they own agents, and
//! archives. Success is announced with "Undo", which restores.

use leptos::prelude::*;
use leptos::task::spawn_local;
use users_api::{AgentRef, DeleteUser, UserSummary};
use wasm_bindgen::JsCast;

use super::modal::Modal;
use super::replacement_picker::{ReplacementPicker, INPUT_ID};
use crate::api::{use_api, Api, ApiError};
use crate::state::notices::{use_notices, Notices};
use crate::state::row_action::{use_list_reload, ListReload};
use crate::state::session::use_session;

/// Restores an archived user and announces the outcome; the list reloads.
pub fn restore_and_announce(api: Api, notices: Notices, reload: ListReload, id: i64, name: String) {
    spawn_local(async move {
        match api.call(|c| c.restore_user(id)).await {
            Ok(_) => {
                notices.announce(format!("{name} restored"));
            }
            Err(ApiError::Unauthenticated) => {}
            Err(e) => {
                notices.announce(format!("{name} could not be restored. {}", e.message()));
            }
        }
        let _ = reload.0.try_update(|n| *n += 1);
    });
}

fn focus_replacement() {
    request_animation_frame(|| {
        if let Some(input) = document()
            .get_element_by_id(INPUT_ID)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = input.focus();
        }
    });
}

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
    let is_me = use_session()
        .me_untracked()
        .is_some_and(|me| me.user.summary.id == user.id);
    let id = user.id;
    let name = user.full_name();
    let title_id = "delete-dialog-title";
    let description_id = "delete-dialog-description";

    // `None` while the user's agents are being fetched.
    let agents = RwSignal::new(None::<Vec<AgentRef>>);
    let groups = RwSignal::new(
        user.groups
            .iter()
            .map(|g| g.name.clone())
            .collect::<Vec<_>>(),
    );
    let replacement = RwSignal::new(None::<UserSummary>);
    let replacement_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    spawn_local(async move {
        match api.call(|c| c.get_user(id)).await {
            Ok(detail) => {
                let _ = groups.try_set(detail.summary.groups.into_iter().map(|g| g.name).collect());
                let _ = agents.try_set(Some(detail.agents));
            }
            Err(ApiError::Unauthenticated) => {}
            Err(e) => {
                // Deleting still works: the server names the agents if any.
                let _ = error.try_set(Some(format!(
                    "Could not load this user's agents. {}",
                    e.message()
                )));
                let _ = agents.try_set(Some(Vec::new()));
            }
        }
    });

    let owns_agents = move || agents.with(|a| a.as_ref().is_some_and(|a| !a.is_empty()));

    let on_delete = {
        let name = name.clone();
        move |_| {
            if busy.get_untracked() || is_me {
                return;
            }
            let replacement_id = replacement.with_untracked(|r| r.as_ref().map(|u| u.id));
            if owns_agents() && replacement_id.is_none() {
                replacement_error.set(Some(
                    "Choose a replacement user to take over the agents.".to_string(),
                ));
                focus_replacement();
                return;
            }
            busy.set(true);
            error.set(None);
            let name = name.clone();
            let body = DeleteUser {
                replacement_owner_id: if owns_agents() { replacement_id } else { None },
            };
            spawn_local(async move {
                let result = api.call(|c| c.delete_user(id, &body)).await;
                let _ = busy.try_set(false);
                match result {
                    Ok(_) => {
                        on_close.run(());
                        let undo_name = name.clone();
                        notices.announce_with_action(
                            format!("{name} archived"),
                            "Undo",
                            move || {
                                restore_and_announce(api, notices, reload, id, undo_name.clone())
                            },
                        );
                        reload.reload();
                    }
                    Err(ApiError::OwnsAgents { agents: owned }) => {
                        let _ = agents.try_set(Some(owned));
                        let _ = replacement_error.try_set(Some(
                            "Choose a replacement user to take over the agents.".to_string(),
                        ));
                        focus_replacement();
                    }
                    Err(ApiError::Invalid { fields })
                        if fields.contains_key("replacement_owner_id") =>
                    {
                        let _ = replacement.try_set(None);
                        let _ = replacement_error.try_set(Some(
                            "Replacement user must be another active user. Choose someone else."
                                .to_string(),
                        ));
                        focus_replacement();
                    }
                    Err(ApiError::CannotArchiveSelf) => {
                        let _ = error.try_set(Some(
                            "You cannot delete yourself. Another administrator can do it."
                                .to_string(),
                        ));
                    }
                    Err(ApiError::LastAdmin) => {
                        let _ = error.try_set(Some(format!(
                            "{name} is the last active user with the Settings role. Give Settings to someone else first, so the company can still manage its users."
                        )));
                    }
                    Err(ApiError::NotFound) => {
                        let _ = error.try_set(Some(format!(
                            "{name} no longer exists or was already deleted."
                        )));
                        reload.reload();
                    }
                    Err(ApiError::Unauthenticated) => {}
                    Err(e) => {
                        let _ = error.try_set(Some(e.message()));
                    }
                }
            });
        }
    };

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
            {move || error.get().map(|e| view! { <p class="dialog-error" role="alert">{e}</p> })}
            <div class="dialog-actions">
                {(!is_me).then(|| view! {
                    <button
                        type="button"
                        class="button danger"
                        disabled=move || busy.get() || agents.with(Option::is_none)
                        aria-busy=move || busy.get().then_some("true")
                        on:click=on_delete.clone()
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
