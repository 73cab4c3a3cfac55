//! The Add new (`/users/new`) and Edit (`/users/{id}/edit`) routes: they
//! load what the form needs (the role catalogue, the identity providers and,
//! for Edit, the user), then show [`form::UserForm`]. Without Settings the
//! no-access view shows; in a directory-managed company, the directory
//! notice and no form.

mod archived;
mod fields;
pub mod form;
mod groups;
mod roles;
mod state;
mod submit;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use users_api::{Role, UserDetail, UserId};

use crate::api::{use_api, Api, ApiError};
use crate::components::error_view::ErrorView;
use crate::components::title::view_title;
use crate::pages::audit::activity::UserActivity;
use crate::pages::no_access::NoAccess;
use crate::state::list_url::with_search;
use crate::state::loaded::Loaded;
use crate::state::session::use_session;
use form::UserForm;

/// `/users` with the query string this page was opened with (the list's state).
pub fn back_href() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let location = use_location();
    move || with_search("/users", &location.search.get())
}

/// What the form offers: the role catalogue and the provider names.
#[derive(Debug, Clone, PartialEq)]
pub struct FormOptions {
    pub roles: Vec<Role>,
    pub providers: Vec<String>,
}

impl FormOptions {
    pub fn role_names(&self) -> Vec<String> {
        self.roles.iter().map(|r| r.name.clone()).collect()
    }
}

async fn load(api: Api, id: Option<UserId>) -> Result<(FormOptions, Option<UserDetail>), ApiError> {
    let user = match id {
        Some(id) => Some(api.call(|c| c.get_user(id)).await?),
        None => None,
    };
    let roles = api.call(|c| c.roles()).await?;
    let providers = api
        .call(|c| c.identity_providers())
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    Ok((FormOptions { roles, providers }, user))
}

/// Why the form could not be shown: the user is gone, or the error with "Retry".
#[component]
fn LoadFailed(
    error: ApiError,
    on_retry: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    match error {
        ApiError::NotFound => view! {
            <p class="notice" role="alert">"This user does not exist. They may have been deleted for good, or the link is wrong."</p>
        }
        .into_any(),
        error => view! { <ErrorView error=error on_retry=on_retry /> }.into_any(),
    }
}

/// The heading, the way back, and either the form or why there is none.
#[component]
fn FormPage(title: &'static str, id: Option<UserId>) -> impl IntoView {
    let api = use_api();
    let me = use_session().me_untracked();
    let back = back_href();
    // "Edit user" until the user is loaded, then "Edit <First Last>".
    let heading = RwSignal::new(title.to_string());
    let head = view! {
        <p class="back-link">
            <a href=back.clone()>"Back to users"</a>
        </p>
        <h1>{move || heading.get()}</h1>
    };
    let Some(me) = me.filter(|me| me.can_manage_users) else {
        return view! { <NoAccess /> }.into_any();
    };
    if let Some(directory) = me.company.directory {
        view_title(move || heading.get());
        return view! {
            {head}
            <p class="notice directory-notice" role="status">
                {format!(
                    "Users are managed in {}. Contact your AD administrator to add, edit or delete users.",
                    directory.provider,
                )}
            </p>
        }
        .into_any();
    }

    // Loaded once per route, so there is nothing to transition between:
    // a plain match, not `Suspense`/`Transition`. (In Leptos 0.8 a suspense
    // boundary keeps its children's view alive past their owner when the
    // route is left, and the fields' effects then read the form's disposed
    // signals — seen when an action's outcome navigates away.)
    let loaded = Loaded::new(move || load(api, id));
    // The heading and the document title name the user once loaded.
    Effect::new(move |_| {
        if let Some(Ok((_, Some(user)))) = loaded.get() {
            heading.set(format!("Edit {}", user.summary.full_name()));
        }
    });
    view_title(move || heading.get());
    let body = move || match loaded.get() {
        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Some(Ok((options, user))) => {
            let activity = user
                .as_ref()
                .map(|u| view! { <UserActivity user_id=u.summary.id /> });
            view! {
                <UserForm options=options user=user />
                {activity}
            }
            .into_any()
        }
        Some(Err(e)) => {
            view! { <LoadFailed error=e on_retry=move || loaded.refetch() /> }.into_any()
        }
    };

    view! {
        {head}
        <div class="form-page">{body}</div>
    }
    .into_any()
}

/// `/users/new`.
#[component]
pub fn NewUserPage() -> impl IntoView {
    view! { <FormPage title="Add new user" id=None /> }
}

/// `/users/{id}/edit`.
#[component]
pub fn EditUserPage() -> impl IntoView {
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<UserId>().ok())));
    move || match id.get() {
        Some(id) => view! { <FormPage title="Edit user" id=Some(id) /> }.into_any(),
        None => view! {
            <p class="back-link">
                <a href=back_href()>"Back to users"</a>
            </p>
            <h1>"Edit user"</h1>
            <p class="notice" role="alert">"This link does not name a user."</p>
        }
        .into_any(),
    }
}
