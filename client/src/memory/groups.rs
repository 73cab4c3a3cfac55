//! Groups in memory with the server's rules (docs/groups.md): folded-name
//! order and uniqueness, versions, members in the users list's order, all
//! or nothing member adds, what a deletion costs, the last-admin rule on
//! every change, and the audit log. Memberships live on the users
//! (`StoredUser::groups`), as archived users keep theirs.

use users_api::group::{
    unknown_users_message, validate_group_patch, validate_member_ids, validate_new_group,
    GROUP_NAME_TAKEN,
};
use users_api::rules::{GroupEdit, GroupEditCheck, GROUP_EDIT_CHECKS};
use users_api::{
    identity, AddMembers, Group, GroupDeletion, GroupId, GroupMember, GroupPatch, NewGroup, Page,
    PageQuery, RoleLoss, UserId, UserStatus, MAX_PER_PAGE,
};

use super::store::{field_error, Store, StoredUser};
use crate::ApiError;

/// A group as stored; its member count is derived from the users.
#[derive(Debug, Clone)]
pub(super) struct StoredGroup {
    pub(super) id: GroupId,
    pub(super) name: String,
    pub(super) description: String,
    /// In catalogue order.
    pub(super) roles: Vec<String>,
    pub(super) version: i64,
    pub(super) created_at: String,
    pub(super) updated_at: String,
}

fn check_page(q: &PageQuery) -> Result<(), ApiError> {
    if q.page < 1 || !(1..=MAX_PER_PAGE).contains(&q.per_page) {
        return Err(ApiError::BadRequest(format!(
            "page must be at least 1 and per_page from 1 to {MAX_PER_PAGE}."
        )));
    }
    Ok(())
}

fn page_of<T>(all: Vec<T>, q: &PageQuery) -> Page<T> {
    let total = all.len() as u64;
    let entries = all
        .into_iter()
        .skip(q.offset() as usize)
        .take(q.per_page as usize)
        .collect();
    Page::new(entries, q.page, q.per_page, total)
}

impl Store {
    fn stored_group(&self, id: GroupId) -> Result<&StoredGroup, ApiError> {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .ok_or(ApiError::NotFound)
    }

    /// The group as the API shows it, with its active member count.
    pub(super) fn group_view(&self, group: &StoredGroup) -> Group {
        Group {
            id: group.id,
            name: group.name.clone(),
            description: group.description.clone(),
            roles: group.roles.clone(),
            member_count: self.active_members(group.id).count() as u64,
            version: group.version,
            created_at: group.created_at.clone(),
            updated_at: group.updated_at.clone(),
        }
    }

    fn active_members(&self, id: GroupId) -> impl Iterator<Item = &StoredUser> {
        self.users
            .iter()
            .filter(move |u| u.status == UserStatus::Active && u.groups.contains(&id))
    }

    fn any_active_admin(&self) -> bool {
        self.users
            .iter()
            .any(|u| u.status == UserStatus::Active && self.holds_settings(u))
    }

    fn holds_settings_id(&self, id: UserId) -> bool {
        self.user(id).is_ok_and(|u| self.holds_settings(u))
    }

    /// Runs `change` for `caller`; undoes it when it takes the caller's own
    /// Settings away or leaves no active Settings holder.
    fn keeping_an_admin<T>(
        &mut self,
        caller: UserId,
        change: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let before = (self.groups.clone(), self.users.clone());
        let held = self.holds_settings_id(caller);
        let result = change(self)?;
        let refusal = if held && !self.holds_settings_id(caller) {
            Some(ApiError::SelfLockout)
        } else if !self.any_active_admin() {
            Some(ApiError::LastAdmin)
        } else {
            None
        };
        match refusal {
            None => Ok(result),
            Some(error) => {
                (self.groups, self.users) = before;
                Err(error)
            }
        }
    }

    fn name_taken(&self, name: &str, except: GroupId) -> bool {
        let key = identity::fold(name);
        self.groups
            .iter()
            .any(|g| g.id != except && identity::fold(&g.name) == key)
    }

    /// `GET /groups`.
    pub(super) fn list_groups(&self, q: &PageQuery) -> Result<Page<Group>, ApiError> {
        check_page(q)?;
        let needle = identity::fold(q.query.trim());
        let mut found: Vec<&StoredGroup> = self
            .groups
            .iter()
            .filter(|g| identity::fold(&g.name).contains(&needle))
            .collect();
        found.sort_by_key(|g| (identity::fold(&g.name), g.id));
        let groups = found.into_iter().map(|g| self.group_view(g)).collect();
        Ok(page_of(groups, q))
    }

    /// `GET /groups/{id}`.
    pub(super) fn group(&self, id: GroupId) -> Result<Group, ApiError> {
        Ok(self.group_view(self.stored_group(id)?))
    }

    /// `POST /groups`, as `caller`.
    pub(super) fn create_group(
        &mut self,
        caller: UserId,
        input: &NewGroup,
    ) -> Result<Group, ApiError> {
        let valid = validate_new_group(input, &self.role_names())
            .map_err(|fields| ApiError::Invalid { fields })?;
        let name = valid.name.stored();
        if self.name_taken(&name, 0) {
            return Err(ApiError::Invalid {
                fields: field_error("name", GROUP_NAME_TAKEN),
            });
        }
        let (id, now) = (self.id(), self.now());
        self.groups.push(StoredGroup {
            id,
            name: name.clone(),
            description: valid.description.clone(),
            roles: valid.roles.clone(),
            version: 1,
            created_at: now.clone(),
            updated_at: now,
        });
        let details = serde_json::json!({"group": {
            "name": name, "description": valid.description, "roles": valid.roles,
        }});
        self.record_about(caller, "group.create", (None, Some(id)), details);
        self.group(id)
    }

    /// `PATCH /groups/{id}` at `version`, as `caller`, in the contract's
    /// order ([`GROUP_EDIT_CHECKS`]).
    pub(super) fn update_group(
        &mut self,
        caller: UserId,
        id: GroupId,
        version: i64,
        patch: &GroupPatch,
    ) -> Result<Group, ApiError> {
        let changes = validate_group_patch(patch, &self.role_names())
            .map_err(|fields| ApiError::Invalid { fields })?;
        let current = self.stored_group(id)?.clone();
        let edit = GroupEdit::of(&self.group_view(&current), &changes);
        for check in GROUP_EDIT_CHECKS {
            match check {
                GroupEditCheck::Validation | GroupEditCheck::Exists => {}
                GroupEditCheck::Version if current.version != version => {
                    return Err(ApiError::StaleGroup {
                        current: Box::new(self.group_view(&current)),
                    });
                }
                GroupEditCheck::NoOp if edit.is_noop() => return self.group(id),
                GroupEditCheck::NameUnique
                    if edit.touches("name") && self.name_taken(&edit.name, id) =>
                {
                    return Err(ApiError::Invalid {
                        fields: field_error("name", GROUP_NAME_TAKEN),
                    });
                }
                _ => {}
            }
        }
        let now = self.now();
        self.keeping_an_admin(caller, |store| {
            let group = store
                .groups
                .iter_mut()
                .find(|g| g.id == id)
                .ok_or(ApiError::NotFound)?;
            group.name = edit.name.clone();
            group.description = edit.description.clone();
            group.roles = edit.roles.clone();
            group.version += 1;
            group.updated_at = now;
            Ok(())
        })?;
        self.record_about(
            caller,
            "group.update",
            (None, Some(id)),
            serde_json::json!({ "changes": edit.changes }),
        );
        self.group(id)
    }

    /// `GET /groups/{id}/deletion`: the group and the roles members would lose.
    pub(super) fn group_deletion(&self, id: GroupId) -> Result<GroupDeletion, ApiError> {
        let group = self.stored_group(id)?;
        let lost_roles = group
            .roles
            .iter()
            .filter_map(|role| {
                let members = self
                    .active_members(id)
                    .filter(|u| {
                        !u.direct_roles.contains(role)
                            && !u.groups.iter().any(|other| {
                                *other != id
                                    && self
                                        .stored_group(*other)
                                        .is_ok_and(|g| g.roles.contains(role))
                            })
                    })
                    .count() as u64;
                (members > 0).then(|| RoleLoss {
                    role: role.clone(),
                    members,
                })
            })
            .collect();
        Ok(GroupDeletion {
            group: self.group_view(group),
            lost_roles,
        })
    }

    /// `DELETE /groups/{id}`, as `caller`: the group and every membership go.
    pub(super) fn delete_group(
        &mut self,
        caller: UserId,
        id: GroupId,
    ) -> Result<GroupDeletion, ApiError> {
        let deletion = self.group_deletion(id)?;
        self.keeping_an_admin(caller, |store| {
            store.groups.retain(|g| g.id != id);
            for user in &mut store.users {
                user.groups.retain(|g| *g != id);
            }
            Ok(())
        })?;
        let group = &deletion.group;
        let details = serde_json::json!({
            "group": {"name": group.name, "description": group.description, "roles": group.roles},
            "lost_roles": deletion.lost_roles,
        });
        self.record_about(caller, "group.delete", (None, Some(group.id)), details);
        Ok(deletion)
    }

    /// `GET /groups/{id}/members`: active members in the users list's order.
    pub(super) fn group_members(
        &self,
        id: GroupId,
        q: &PageQuery,
    ) -> Result<Page<GroupMember>, ApiError> {
        check_page(q)?;
        self.stored_group(id)?;
        let needle = identity::fold(q.query.trim());
        let mut found: Vec<&StoredUser> = self
            .active_members(id)
            .filter(|u| u.matches(&needle))
            .collect();
        found.sort_by_key(|u| u.sort_key());
        let members = found
            .into_iter()
            .map(|u| GroupMember {
                id: u.id,
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                email: u.email.clone(),
            })
            .collect();
        Ok(page_of(members, q))
    }

    /// `POST /groups/{id}/members`, as `caller`: active users of the
    /// company, all or none; each added user gets a new version.
    pub(super) fn add_group_members(
        &mut self,
        caller: UserId,
        id: GroupId,
        body: &AddMembers,
    ) -> Result<Group, ApiError> {
        let ids =
            validate_member_ids(&body.user_ids).map_err(|fields| ApiError::Invalid { fields })?;
        self.stored_group(id)?;
        let unknown: Vec<UserId> = ids
            .iter()
            .copied()
            .filter(|u| !self.user(*u).is_ok_and(|u| u.status == UserStatus::Active))
            .collect();
        if !unknown.is_empty() {
            return Err(ApiError::Invalid {
                fields: field_error("user_ids", &unknown_users_message(&unknown)),
            });
        }
        let now = self.now();
        let mut added = Vec::new();
        for user in self.users.iter_mut().filter(|u| ids.contains(&u.id)) {
            if !user.groups.contains(&id) {
                user.groups.push(id);
                user.version += 1;
                user.updated_at = now.clone();
                added.push(user.id);
            }
        }
        // One entry per member added, about them (as the server records).
        added.sort_unstable();
        for user in added {
            let details = serde_json::json!({ "user_ids": [user] });
            self.record_about(caller, "group.members.add", (Some(user), Some(id)), details);
        }
        self.group(id)
    }

    /// `DELETE /groups/{id}/members/{user_id}`, as `caller`.
    pub(super) fn remove_group_member(
        &mut self,
        caller: UserId,
        id: GroupId,
        user_id: UserId,
    ) -> Result<Group, ApiError> {
        self.stored_group(id)?;
        if !self.user(user_id).is_ok_and(|u| u.groups.contains(&id)) {
            return Err(ApiError::NotFound);
        }
        let now = self.now();
        self.keeping_an_admin(caller, |store| {
            let user = store.user_mut(user_id)?;
            user.groups.retain(|g| *g != id);
            user.version += 1;
            user.updated_at = now;
            Ok(())
        })?;
        self.record_about(
            caller,
            "group.members.remove",
            (Some(user_id), Some(id)),
            serde_json::json!({}),
        );
        self.group(id)
    }
}
