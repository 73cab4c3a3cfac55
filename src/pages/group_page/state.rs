//! The group form's values and reactive state, shared by its parts, and
//! checking the input with the shared rules (`users_api::group`).

use leptos::prelude::*;
use users_api::group::{validate_group_patch, validate_new_group};
use users_api::{FieldErrors, Group, GroupId, GroupPatch, NewGroup, Role};

use crate::api::{use_api, ApiError};

/// The fields, in page order: (key in the contract, label, element id).
pub(super) const FIELDS: [(&str, &str, &str); 3] = [
    ("name", "Name", "group-name"),
    ("description", "Description", "group-description"),
    ("roles", "Roles", "group-role-0"),
];

pub(super) fn error_id(key: &str) -> String {
    format!("group-{key}-error")
}

/// What "Submit" sends.
#[derive(Debug, Clone)]
pub(super) enum Save {
    Create(NewGroup),
    Update {
        id: GroupId,
        version: i64,
        patch: GroupPatch,
    },
}

/// Everything the form's parts read and write.
#[derive(Clone, Copy)]
pub(super) struct GroupFormState {
    /// The role names, in catalogue order.
    pub(super) catalogue: StoredValue<Vec<String>>,
    pub(super) name: RwSignal<String>,
    pub(super) description: RwSignal<String>,
    /// The group's roles, in catalogue order.
    pub(super) roles: RwSignal<Vec<String>>,
    /// The version being edited (what `If-Match` carries); `None` adds.
    pub(super) original: RwSignal<Option<Group>>,
    pub(super) errors: RwSignal<FieldErrors>,
    pub(super) form_error: RwSignal<Option<String>>,
    pub(super) form_status: RwSignal<Option<String>>,
    /// Their version, when someone else changed the group meanwhile.
    pub(super) stale: RwSignal<Option<Group>>,
    /// Sending the form: create or edit; its `pending` is "Saving…".
    pub(super) save: Action<Save, Result<Group, ApiError>>,
}

impl GroupFormState {
    /// The state for editing `group`, or for adding one when `None`.
    pub(super) fn new(roles: &[Role], group: Option<Group>) -> Self {
        let api = use_api();
        let state = GroupFormState {
            catalogue: StoredValue::new(roles.iter().map(|r| r.name.clone()).collect()),
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            roles: RwSignal::new(Vec::new()),
            original: RwSignal::new(None),
            errors: RwSignal::new(FieldErrors::new()),
            form_error: RwSignal::new(None),
            form_status: RwSignal::new(None),
            stale: RwSignal::new(None),
            save: Action::new_local(move |save: &Save| {
                let save = save.clone();
                async move {
                    match save {
                        Save::Create(group) => api.call(move |c| c.create_group(&group)).await,
                        Save::Update { id, version, patch } => {
                            api.call(move |c| c.update_group(id, version, &patch)).await
                        }
                    }
                }
            }),
        };
        if let Some(group) = group {
            state.fill(group);
        }
        state
    }

    /// Shows `group` in the form, as the version edited from now on.
    pub(super) fn fill(&self, group: Group) {
        self.name.set(group.name.clone());
        self.description.set(group.description.clone());
        self.roles.set(group.roles.clone());
        self.original.set(Some(group));
    }

    /// Whether the fields differ from the version opened (or from an empty
    /// new group). Tracked.
    pub(super) fn changed(&self) -> bool {
        let name = self.name.with(|n| n.trim().to_string());
        let description = self.description.with(|d| d.trim().to_string());
        let roles = self.roles.get();
        self.original.with(|before| match before {
            None => !name.is_empty() || !description.is_empty() || !roles.is_empty(),
            Some(g) => name != g.name || description != g.description || roles != g.roles,
        })
    }

    /// Ticks or unticks `role`, keeping catalogue order.
    pub(super) fn set_role(&self, role: &str, on: bool) {
        let catalogue = self.catalogue.get_value();
        self.roles.update(|roles| {
            roles.retain(|r| r != role);
            if on {
                roles.push(role.to_string());
            }
            *roles = catalogue
                .iter()
                .filter(|c| roles.contains(c))
                .cloned()
                .collect();
        });
    }

    /// What "Submit" would send (`None`: nothing changed), or what is wrong
    /// with the input (only the changed fields are checked in an edit).
    pub(super) fn request(&self) -> Result<Option<Save>, FieldErrors> {
        let input = NewGroup {
            name: self.name.get_untracked(),
            description: self.description.get_untracked(),
            roles: self.roles.get_untracked(),
        };
        let catalogue = self.catalogue.get_value();
        match self.original.get_untracked() {
            None => validate_new_group(&input, &catalogue).map(|_| Some(Save::Create(input))),
            Some(before) => {
                let patch = GroupPatch {
                    name: (input.name.trim() != before.name).then_some(input.name),
                    description: (input.description.trim() != before.description)
                        .then_some(input.description),
                    roles: (input.roles != before.roles).then_some(input.roles),
                };
                validate_group_patch(&patch, &catalogue)?;
                Ok((patch != GroupPatch::default()).then_some(Save::Update {
                    id: before.id,
                    version: before.version,
                    patch,
                }))
            }
        }
    }

    /// Re-checks one field, leaving the others' messages as they are.
    pub(super) fn check_field(&self, key: &'static str) {
        // Leaving the page removes the focused field, which blurs it: nothing to check then.
        if self.errors.is_disposed() || self.original.is_disposed() {
            return;
        }
        let found = self.request().err().unwrap_or_default();
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
    pub(super) fn recheck_if_shown(&self, key: &'static str) {
        if self.errors.with_untracked(|e| e.contains_key(key)) {
            self.check_field(key);
        }
    }

    /// Whether the field `key` shows an error (reactive).
    pub(super) fn invalid(&self, key: &'static str) -> impl Fn() -> bool + Copy + Send + Sync {
        let errors = self.errors;
        move || errors.with(|e| e.contains_key(key))
    }
}
