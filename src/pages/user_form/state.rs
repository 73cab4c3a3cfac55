//! The form's values and reactive state, shared by its parts, and checking
//! the input with the shared rules (`users_api::validation`).

use leptos::prelude::*;
use users_api::validation::{validate_new_user, validate_patch, Context};
use users_api::{FieldErrors, NewUser, UserDetail, UserId, UserPatch, UserSummary};

use super::FormOptions;
use crate::api::{use_api, ApiError};
use crate::state::notices::{use_notices, Notices};
use crate::state::restore::{use_restore, RestoreUser};

/// The form's values.
#[derive(Clone, Copy)]
pub(super) struct Values {
    pub(super) first_name: RwSignal<String>,
    pub(super) last_name: RwSignal<String>,
    pub(super) email: RwSignal<String>,
    pub(super) identity_provider: RwSignal<String>,
    /// Direct roles, in catalogue order.
    pub(super) roles: RwSignal<Vec<String>>,
    /// The groups the user is in (Edit only), with the roles each grants.
    pub(super) groups: RwSignal<Vec<ChosenGroup>>,
}

/// A group chosen for the user, with its roles (for "Effective roles").
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ChosenGroup {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) roles: Vec<String>,
}

/// The user's groups with the roles each gives them (read from the roles'
/// sources, so no group needs loading).
pub(super) fn groups_of(user: &UserDetail) -> Vec<ChosenGroup> {
    user.summary
        .groups
        .iter()
        .map(|g| ChosenGroup {
            id: g.id,
            name: g.name.clone(),
            roles: user
                .summary
                .roles
                .iter()
                .filter(|r| r.groups().any(|source| source.id == g.id))
                .map(|r| r.role.clone())
                .collect(),
        })
        .collect()
}

impl Values {
    pub(super) fn text(&self, key: &str) -> RwSignal<String> {
        match key {
            "first_name" => self.first_name,
            "last_name" => self.last_name,
            "email" => self.email,
            _ => self.identity_provider,
        }
    }

    pub(super) fn fill_from(&self, user: &UserDetail) {
        self.first_name.set(user.summary.first_name.clone());
        self.last_name.set(user.summary.last_name.clone());
        self.email.set(user.summary.email.clone());
        self.identity_provider
            .set(user.summary.identity_provider.clone());
        self.roles.set(user.direct_roles.clone());
        self.groups.set(groups_of(user));
    }

    /// Whether the values differ from what the form opened with: what Save
    /// would send is not nothing (`before`), or an empty new user with
    /// `default_provider`. Tracked.
    pub(super) fn changed_from(&self, before: Option<&UserDetail>, default_provider: &str) -> bool {
        for text in [
            self.first_name,
            self.last_name,
            self.email,
            self.identity_provider,
        ] {
            text.track();
        }
        self.roles.track();
        self.groups.track();
        match before {
            Some(before) => self.patch(before) != UserPatch::default(),
            None => {
                self.new_user()
                    != NewUser {
                        identity_provider: default_provider.to_string(),
                        ..NewUser::default()
                    }
            }
        }
    }

    pub(super) fn new_user(&self) -> NewUser {
        NewUser {
            first_name: self.first_name.get_untracked(),
            last_name: self.last_name.get_untracked(),
            email: self.email.get_untracked(),
            identity_provider: self.identity_provider.get_untracked(),
            roles: self.roles.get_untracked(),
        }
    }

    /// What differs from `before`: only those fields are sent (and checked).
    pub(super) fn patch(&self, before: &UserDetail) -> UserPatch {
        let changed = |now: String, was: &str| (now.trim() != was).then_some(now);
        let roles = self.roles.get_untracked();
        let ids = |groups: &[ChosenGroup]| {
            let mut ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
            ids.sort_unstable();
            ids
        };
        let groups = self.groups.with_untracked(|g| ids(g));
        let before_groups = ids(&groups_of(before));
        UserPatch {
            first_name: changed(self.first_name.get_untracked(), &before.summary.first_name),
            last_name: changed(self.last_name.get_untracked(), &before.summary.last_name),
            email: changed(self.email.get_untracked(), &before.summary.email),
            identity_provider: changed(
                self.identity_provider.get_untracked(),
                &before.summary.identity_provider,
            ),
            roles: (roles != before.direct_roles).then_some(roles),
            groups: (groups != before_groups).then_some(groups),
        }
    }
}

/// Everything the form's parts read and write. Handlers capture only the
/// fields they use (or [`Checks`]), which keeps the closures small.
#[derive(Clone, Copy)]
pub(super) struct FormState {
    pub(super) notices: Notices,
    pub(super) catalogue: StoredValue<Vec<String>>,
    pub(super) providers: StoredValue<Vec<String>>,
    pub(super) values: Values,
    /// The version being edited (what `If-Match` carries); `None` adds.
    pub(super) original: RwSignal<Option<UserDetail>>,
    pub(super) errors: RwSignal<FieldErrors>,
    /// Sending the form: create or edit; its `pending` is "Saving…".
    pub(super) save: Action<Save, Result<UserDetail, ApiError>>,
    pub(super) form_error: RwSignal<Option<String>>,
    pub(super) form_status: RwSignal<Option<String>>,
    pub(super) stale: RwSignal<Option<UserDetail>>,
    /// After "Reload": the fields both sides changed, by key, with their
    /// value (shown beside ours until one is chosen).
    pub(super) conflicts: RwSignal<std::collections::BTreeMap<&'static str, String>>,
    /// The email the server said belongs to an archived user, if any.
    pub(super) archived_email: RwSignal<Option<String>>,
    /// Looking that archived user up.
    pub(super) find_archived: Action<String, super::archived::ArchivedFound>,
    /// That archived user, once found: offered for restoring.
    pub(super) archived_match: Signal<Option<UserSummary>>,
    pub(super) restore: RestoreUser,
}

/// What "Submit" sends.
#[derive(Debug, Clone)]
pub(super) enum Save {
    Create(NewUser),
    Update {
        id: UserId,
        version: i64,
        patch: UserPatch,
    },
}

impl FormState {
    /// The state for editing `user`, or for adding one when `None`.
    pub(super) fn new(options: &FormOptions, user: Option<UserDetail>) -> Self {
        let api = use_api();
        let notices = use_notices();
        let catalogue = StoredValue::new(options.role_names());
        let providers = StoredValue::new(options.providers.clone());

        let values = Values {
            first_name: RwSignal::new(String::new()),
            last_name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            // A new user gets the first provider unless another is chosen.
            identity_provider: RwSignal::new(
                options.providers.first().cloned().unwrap_or_default(),
            ),
            roles: RwSignal::new(Vec::new()),
            groups: RwSignal::new(Vec::new()),
        };
        if let Some(user) = &user {
            values.fill_from(user);
        }
        let save = Action::new_local(move |save: &Save| {
            let save = save.clone();
            async move {
                match save {
                    Save::Create(user) => api.call(move |c| c.create_user(&user)).await,
                    Save::Update { id, version, patch } => {
                        api.call(move |c| c.update_user(id, version, &patch)).await
                    }
                }
            }
        });
        let archived_email = RwSignal::new(None::<String>);
        let find_archived = super::archived::find_archived(api);
        FormState {
            notices,
            catalogue,
            providers,
            values,
            original: RwSignal::new(user),
            errors: RwSignal::new(FieldErrors::new()),
            save,
            form_error: RwSignal::new(None),
            form_status: RwSignal::new(None),
            stale: RwSignal::new(None),
            conflicts: RwSignal::new(Default::default()),
            archived_email,
            find_archived,
            archived_match: super::archived::archived_match(archived_email, find_archived),
            restore: use_restore(),
        }
    }

    /// What checking the input needs.
    pub(super) fn checks(self) -> Checks {
        Checks {
            catalogue: self.catalogue,
            providers: self.providers,
            values: self.values,
            original: self.original,
            errors: self.errors,
        }
    }
}

/// What checking the input needs: the part of [`FormState`] the field
/// handlers hold (small, so the closures that capture it stay small).
#[derive(Clone, Copy)]
pub(super) struct Checks {
    catalogue: StoredValue<Vec<String>>,
    providers: StoredValue<Vec<String>>,
    values: Values,
    original: RwSignal<Option<UserDetail>>,
    errors: RwSignal<FieldErrors>,
}

impl Checks {
    /// Every violation of the current input, by field (only changed fields in Edit).
    pub(super) fn validate(self) -> FieldErrors {
        let (catalogue, providers) = (self.catalogue.get_value(), self.providers.get_value());
        let ctx = Context {
            catalogue: &catalogue,
            providers: &providers,
        };
        match self.original.get_untracked() {
            None => validate_new_user(&self.values.new_user(), ctx).err(),
            Some(before) => validate_patch(&self.values.patch(&before), ctx).err(),
        }
        .unwrap_or_default()
    }

    /// Re-checks one field, leaving the others' messages as they are.
    pub(super) fn check_field(self, key: &'static str) {
        // Leaving the page removes the focused field, which blurs it: nothing to check then.
        if self.errors.is_disposed() || self.original.is_disposed() {
            return;
        }
        let found = self.validate();
        self.errors.update(|e| match found.get(key) {
            Some(messages) => {
                e.insert(key.to_string(), messages.clone());
            }
            None => {
                e.remove(key);
            }
        });
    }

    /// While a field shows an error, typing re-checks it (so fixing it clears it).
    pub(super) fn recheck_if_shown(self, key: &'static str) {
        if self.errors.with_untracked(|e| e.contains_key(key)) {
            self.check_field(key);
        }
    }
}

/// Whether the field `key` shows an error (reactive).
pub(super) fn invalid(
    errors: RwSignal<FieldErrors>,
    key: &'static str,
) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    move || errors.with(|e| e.contains_key(key))
}
