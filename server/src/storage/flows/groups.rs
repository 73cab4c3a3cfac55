//! Group changes: create, edit, delete, add and remove members, each
//! checked (in the contract's order, `users_api::rules`), written and
//! audited in one transaction under the company's write lock, so the
//! last-admin rule holds under concurrent changes on several instances.
//! Groups stay manageable in directory mode: no directory check here.

use serde_json::json;
use users_api::group::{unknown_users_message, GroupChanges, ValidGroup, GROUP_NAME_TAKEN};
use users_api::rules::{GroupEdit, GroupEditCheck, GROUP_EDIT_CHECKS};
use users_api::{Group, GroupDeletion, GroupMember, Page, PageQuery};

use super::WriteTx;
use crate::storage::model::Expected;
use crate::storage::{now, Store, StoreError, StoreResult};

/// Refuses the change (checked after writing, before committing) when it
/// takes the caller's own Settings away (`held`: the caller held it before),
/// or leaves the company without an active Settings holder.
async fn keep_an_admin(
    tx: &mut WriteTx,
    company_id: i64,
    actor_id: i64,
    held: bool,
) -> StoreResult<()> {
    if held && !tx.holds_settings(actor_id).await? {
        return Err(StoreError::SelfLockout);
    }
    if tx.any_active_admin(company_id).await? {
        Ok(())
    } else {
        Err(StoreError::LastAdmin)
    }
}

/// No group name, member name or email holds a control character
/// (validation refuses them, and PostgreSQL text cannot hold NUL): a search
/// for one matches nothing, and is not sent to the database.
fn matches_nothing(needle: &str) -> bool {
    needle.chars().any(char::is_control)
}

fn name_taken() -> StoreError {
    StoreError::InvalidField {
        field: "name",
        message: GROUP_NAME_TAKEN.to_string(),
    }
}

impl Store {
    /// One page of the company's groups, alphabetical, searched by name.
    pub async fn list_groups(&self, company_id: i64, q: &PageQuery) -> StoreResult<Page<Group>> {
        let needle = users_api::identity::fold(&q.query);
        if matches_nothing(&needle) {
            return Ok(Page::new(Vec::new(), q.page, q.per_page, 0));
        }
        let mut tx = self.begin_read().await?;
        let (total, groups) = tx
            .groups_page(company_id, &needle, q.offset(), q.per_page)
            .await?;
        tx.commit().await?;
        Ok(Page::new(groups, q.page, q.per_page, total))
    }

    /// One group of the company.
    pub async fn group(&self, company_id: i64, group_id: i64) -> StoreResult<Group> {
        let mut tx = self.begin_read().await?;
        let group = tx.load_group(company_id, group_id).await?;
        tx.commit().await?;
        Ok(group)
    }

    /// One page of a group's active members, in the users list's order.
    pub async fn group_members(
        &self,
        company_id: i64,
        group_id: i64,
        q: &PageQuery,
    ) -> StoreResult<Page<GroupMember>> {
        let needle = users_api::identity::fold(&q.query);
        let mut tx = self.begin_read().await?;
        let group = tx.load_group(company_id, group_id).await?;
        let (total, members) = if matches_nothing(&needle) {
            (0, Vec::new())
        } else {
            tx.members_page(&group, &needle, q.offset(), q.per_page)
                .await?
        };
        tx.commit().await?;
        Ok(Page::new(members, q.page, q.per_page, total))
    }

    /// What deleting the group would do now.
    pub async fn group_deletion(
        &self,
        company_id: i64,
        group_id: i64,
    ) -> StoreResult<GroupDeletion> {
        let mut tx = self.begin_read().await?;
        let group = tx.load_group(company_id, group_id).await?;
        let lost_roles = tx.role_losses(group_id).await?;
        tx.commit().await?;
        Ok(GroupDeletion { group, lost_roles })
    }

    /// Adds a group (`group.create` audited).
    pub async fn create_group(
        &self,
        company_id: i64,
        actor_id: i64,
        group: &ValidGroup,
    ) -> StoreResult<Group> {
        let name = group.name.stored();
        let mut tx = self.begin_company_write(company_id).await?;
        if tx
            .group_name_taken(company_id, &users_api::identity::fold(&name), 0)
            .await?
        {
            return Err(name_taken());
        }
        let id = tx
            .insert_group(company_id, &name, &group.description, &now())
            .await?;
        tx.set_group_roles(id, &group.roles).await?;
        let details = json!({"group": {
            "name": name, "description": group.description, "roles": group.roles,
        }});
        tx.record_about(
            company_id,
            actor_id,
            "group.create",
            (None, Some(id)),
            details,
        )
        .await?;
        let created = tx.load_group(company_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Edits a group at the expected version (`group.update` audited with
    /// the before/after of each changed field). Nothing changed: no new version.
    pub async fn update_group(
        &self,
        company_id: i64,
        actor_id: i64,
        group_id: i64,
        expected: &Expected,
        changes: &GroupChanges,
    ) -> StoreResult<Group> {
        let mut tx = self.begin_company_write(company_id).await?;
        let current = tx.load_group(company_id, group_id).await?;
        let edit = GroupEdit::of(&current, changes);
        for check in GROUP_EDIT_CHECKS {
            match check {
                // Validated by the caller; existence checked by the load.
                GroupEditCheck::Validation | GroupEditCheck::Exists => {}
                GroupEditCheck::Version if !expected.matches(current.version) => {
                    return Err(StoreError::StaleGroup(Box::new(current)));
                }
                GroupEditCheck::NoOp if edit.is_noop() => return Ok(current),
                GroupEditCheck::NameUnique if edit.touches("name") => {
                    let key = users_api::identity::fold(&edit.name);
                    if tx.group_name_taken(company_id, &key, group_id).await? {
                        return Err(name_taken());
                    }
                }
                // Both rails at once: the roles are written, then checked.
                GroupEditCheck::SelfLockout if edit.touches("roles") => {
                    let held = tx.holds_settings(actor_id).await?;
                    tx.set_group_roles(group_id, &edit.roles).await?;
                    keep_an_admin(&mut tx, company_id, actor_id, held).await?;
                }
                _ => {}
            }
        }
        tx.update_group_row(group_id, &edit.name, &edit.description, &now())
            .await?;
        let details = json!({ "changes": edit.changes });
        tx.record_about(
            company_id,
            actor_id,
            "group.update",
            (None, Some(group_id)),
            details,
        )
        .await?;
        let updated = tx.load_group(company_id, group_id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a group and its memberships (`group.delete` audited with
    /// the roles members lost).
    pub async fn delete_group(
        &self,
        company_id: i64,
        actor_id: i64,
        group_id: i64,
    ) -> StoreResult<GroupDeletion> {
        let mut tx = self.begin_company_write(company_id).await?;
        let group = tx.load_group(company_id, group_id).await?;
        let lost_roles = tx.role_losses(group_id).await?;
        let held = tx.holds_settings(actor_id).await?;
        tx.delete_group_rows(group_id).await?;
        keep_an_admin(&mut tx, company_id, actor_id, held).await?;
        let details = json!({
            "group": {"name": group.name, "description": group.description, "roles": group.roles},
            "lost_roles": lost_roles,
        });
        tx.record_about(
            company_id,
            actor_id,
            "group.delete",
            (None, Some(group_id)),
            details,
        )
        .await?;
        tx.commit().await?;
        Ok(GroupDeletion { group, lost_roles })
    }

    /// Adds active users of the company to a group, all or none
    /// (`group.members.add` audited once per user actually added); each added
    /// user gets a new version. `user_ids` are validated (1–100, distinct).
    pub async fn add_group_members(
        &self,
        company_id: i64,
        actor_id: i64,
        group_id: i64,
        user_ids: &[i64],
    ) -> StoreResult<Group> {
        let mut tx = self.begin_company_write(company_id).await?;
        tx.load_group(company_id, group_id).await?;
        let unknown = tx.not_active_users(company_id, user_ids).await?;
        if !unknown.is_empty() {
            return Err(StoreError::InvalidField {
                field: "user_ids",
                message: unknown_users_message(&unknown),
            });
        }
        let at = now();
        let mut added = Vec::new();
        for &user_id in user_ids {
            if tx.insert_member(group_id, user_id).await? {
                tx.bump_version(user_id, &at).await?;
                added.push(user_id);
            }
        }
        // One entry per member added, about them: each user's activity
        // then says who added them where.
        added.sort_unstable();
        for user_id in added {
            tx.record_about(
                company_id,
                actor_id,
                "group.members.add",
                (Some(user_id), Some(group_id)),
                json!({ "user_ids": [user_id] }),
            )
            .await?;
        }
        let group = tx.load_group(company_id, group_id).await?;
        tx.commit().await?;
        Ok(group)
    }

    /// Takes a user out of a group (`group.members.remove` audited); the
    /// user gets a new version. Not a member: [`StoreError::NotFound`].
    pub async fn remove_group_member(
        &self,
        company_id: i64,
        actor_id: i64,
        group_id: i64,
        user_id: i64,
    ) -> StoreResult<Group> {
        let mut tx = self.begin_company_write(company_id).await?;
        tx.load_group(company_id, group_id).await?;
        let held = tx.holds_settings(actor_id).await?;
        if !tx.delete_member(group_id, user_id).await? {
            return Err(StoreError::NotFound);
        }
        tx.bump_version(user_id, &now()).await?;
        keep_an_admin(&mut tx, company_id, actor_id, held).await?;
        tx.record_about(
            company_id,
            actor_id,
            "group.members.remove",
            (Some(user_id), Some(group_id)),
            json!({}),
        )
        .await?;
        let group = tx.load_group(company_id, group_id).await?;
        tx.commit().await?;
        Ok(group)
    }
}

/// Replaces a user's memberships with `groups` (ids of the company's
/// groups, checked by the caller).
pub(crate) async fn set_user_groups(
    tx: &mut WriteTx,
    user_id: i64,
    groups: &[i64],
) -> StoreResult<()> {
    let current = tx.group_ids_of(user_id).await?;
    for gone in current.iter().filter(|g| !groups.contains(g)) {
        tx.delete_member(*gone, user_id).await?;
    }
    for new in groups.iter().filter(|g| !current.contains(g)) {
        tx.insert_member(*new, user_id).await?;
    }
    Ok(())
}
