//! `/groups/new` ("Add group") and `/groups/{id}` (the group, named by its
//! heading): the group's form, and on an existing group its members.

mod form;
mod members;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use users_api::{Group, GroupId, Role};

use crate::api::{use_api, Api, ApiError};
use crate::components::error_view::ErrorView;
use crate::pages::no_access::NoAccess;
use crate::state::loaded::Loaded;
use crate::state::session::use_session;
use form::GroupForm;
use members::Members;

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
    // As on the user form: loaded once per route, a plain match (no suspense).
    let loaded = Loaded::new(move || load(api, id));
    let body = move || {
        match loaded.get() {
        None => view! {
            {back()}
            <h1>{if id.is_some() { "Group" } else { "Add group" }}</h1>
            <p class="loading" role="status">"Loading…"</p>
        }
        .into_any(),
        Some(Ok((roles, group))) => {
            let members = group.clone().map(|g| view! { <Members group=g /> });
            view! {
                {back()}
                <GroupForm roles=roles group=group />
                {members}
            }
            .into_any()
        }
        Some(Err(ApiError::NotFound)) => view! {
            {back()}
            <h1>"Group not found"</h1>
            <p class="notice" role="alert">"This group does not exist. It may have been deleted, or the link is wrong."</p>
        }
        .into_any(),
        Some(Err(e)) => view! {
            {back()}
            <h1>"Group"</h1>
            <ErrorView error=e on_retry=move || loaded.refetch() />
        }
        .into_any(),
    }
    };
    view! { <div class="form-page">{body}</div> }.into_any()
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
        None => view! {
            {back()}
            <h1>"Group not found"</h1>
            <p class="notice" role="alert">"This link does not name a group."</p>
        }
        .into_any(),
    }
}
