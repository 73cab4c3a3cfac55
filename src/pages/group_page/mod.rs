//! `/groups/new` ("Add group") and `/groups/{id}` (the group, named by its
//! heading): the group's form, and on an existing group its members and
//! "Delete group".

mod add_members;
mod form;
mod members;
mod save;
mod state;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use users_api::{Group, GroupId, Role};

use crate::api::{use_api, Api, ApiError};
use crate::components::dialogs::group_delete_dialog::GroupDeleteDialog;
use crate::components::error_view::ErrorView;
use crate::components::title::view_title;
use crate::pages::no_access::NoAccess;
use crate::state::loaded::Loaded;
use crate::state::session::use_session;
use form::GroupForm;
use members::Members;

const DELETE_ID: &str = "group-delete";

async fn load(api: Api, id: Option<GroupId>) -> Result<(Vec<Role>, Option<Group>), ApiError> {
    let group = match id {
        Some(id) => Some(api.call(|c| c.get_group(id)).await?),
        None => None,
    };
    Ok((api.call(|c| c.roles()).await?, group))
}

fn back() -> impl IntoView {
    view! {
        <p class="back-link">
            <a href="/groups">"Back to groups"</a>
        </p>
    }
}

/// "Delete group" and its dialog; once the group is gone, back to the list
/// (the dialog announces it). `name` is the name shown now (their version's,
/// after a Reload).
#[component]
fn DeleteGroup(group: Group, name: RwSignal<String>) -> impl IntoView {
    let navigate = StoredValue::new_local(use_navigate());
    let open = RwSignal::new(false);
    let dialog = move || {
        open.get().then(|| {
            view! {
                <GroupDeleteDialog
                    group=Group { name: name.get_untracked(), ..group.clone() }
                    return_focus_id=DELETE_ID.to_string()
                    on_close=move || open.set(false)
                    on_deleted=move || {
                        navigate.with_value(|navigate| navigate("/groups", Default::default()))
                    }
                />
            }
        })
    };
    view! {
        <button type="button" id=DELETE_ID class="button danger" on:click=move |_| open.set(true)>
            "Delete group"
        </button>
        {dialog}
    }
}

/// The page of one group, or of a new one (`id` is `None`).
#[component]
fn GroupPage(id: Option<GroupId>) -> impl IntoView {
    let api = use_api();
    if !use_session()
        .me_untracked()
        .is_some_and(|me| me.can_manage_users)
    {
        return view! { <NoAccess /> }.into_any();
    }
    // One h1 for the page's whole life (focus put on it stays there):
    // "Group" while loading, then the group's name (kept by the form).
    let heading = RwSignal::new(if id.is_some() { "Group" } else { "Add group" }.to_string());
    view_title(move || heading.get());
    // As on the user form: loaded once per route, a plain match (no suspense).
    let loaded = Loaded::new(move || load(api, id));
    Effect::new(move |_| {
        if let Some(Err(ApiError::NotFound)) = loaded.get() {
            heading.set("Group not found".to_string());
        }
    });
    let delete = move || match loaded.get() {
        Some(Ok((_, Some(group)))) => Some(view! { <DeleteGroup group=group name=heading /> }),
        _ => None,
    };
    let body = move || {
        match loaded.get() {
        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Some(Ok((roles, group))) => {
            let members = group.clone().map(|g| view! { <Members group=g /> });
            view! {
                <GroupForm roles=roles group=group heading=heading />
                {members}
            }
            .into_any()
        }
        Some(Err(ApiError::NotFound)) => view! {
            <p class="notice" role="alert">"This group does not exist. It may have been deleted, or the link is wrong."</p>
        }
        .into_any(),
        Some(Err(e)) => view! { <ErrorView error=e on_retry=move || loaded.refetch() /> }.into_any(),
    }
    };
    view! {
        <div class="form-page">
            {back()}
            <div class="page-head">
                <h1>{move || heading.get()}</h1>
                {delete}
            </div>
            {body}
        </div>
    }
    .into_any()
}

/// `/groups/new`.
#[component]
pub fn NewGroupPage() -> impl IntoView {
    view! { <GroupPage id=None /> }
}

/// `/groups/{id}`.
#[component]
pub fn EditGroupPage() -> impl IntoView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<GroupId>().ok())));
    move || match id.get() {
        Some(id) => view! { <GroupPage id=Some(id) /> }.into_any(),
        None => {
            view_title(|| "Group not found".to_string());
            view! {
                {back()}
                <h1>"Group not found"</h1>
                <p class="notice" role="alert">"This link does not name a group."</p>
            }
            .into_any()
        }
    }
}
