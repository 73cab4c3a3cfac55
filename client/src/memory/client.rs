//! [`ApiClient`] for [`MemoryClient`]: each call is logged, checked for
//! authorization like the server does, then answered from the store.

use users_api::{
    AddMembers, AuditPage, AuditQuery, DeleteResult, DeleteUser, Group, GroupDeletion, GroupId,
    GroupMember, GroupPatch, IdentityProvider, ListQuery, Me, NewGroup, NewUser, Page, PageQuery,
    RevealedToken, Role, UserDetail, UserId, UserPatch, UserSummary,
};

use std::rc::Rc;

use super::MemoryClient;
use crate::{ApiClient, ApiFuture, ExportEnd, ExportSink};

/// Users per piece of an in-memory export (each piece waits the call delay,
/// so a test can watch the progress and cancel).
const EXPORT_ROWS_PER_PIECE: usize = 2;

impl ApiClient for MemoryClient {
    fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token;
    }

    fn me(&self) -> ApiFuture<Me> {
        self.answer("me".into(), self.delay(), |this, store| {
            let caller = this.caller(store)?;
            let user = store.user(caller)?;
            Ok(Me {
                can_manage_users: store.holds_settings(user),
                user: store.detail(user),
                company: store.company.clone(),
            })
        })
    }

    fn list_users(&self, query: &ListQuery) -> ApiFuture<Page<UserSummary>> {
        let delay = self
            .list_delay
            .borrow()
            .as_ref()
            .map_or_else(|| self.delay(), |f| f(query));
        let filter: Vec<String> = query
            .filter
            .to_params(users_api::ParamStyle::Api)
            .into_iter()
            .map(|(name, value)| format!(" {name}={value}"))
            .collect();
        let call = format!(
            "list_users status={} query={} page={} per_page={}{}",
            query.status.as_str(),
            query.query,
            query.page,
            query.per_page,
            filter.concat()
        );
        let query = query.clone();
        self.answer(call, delay, move |this, store| {
            this.admin(store)?;
            store.list_users(&query)
        })
    }

    fn export_users(&self, query: &ListQuery, sink: Rc<dyn ExportSink>) -> ApiFuture<ExportEnd> {
        let query = query.clone();
        let delay = self.delay();
        let prepared = self.answer("export_users".into(), 0, move |this, store| {
            let caller = this.admin(store)?;
            store.export(caller, &query, EXPORT_ROWS_PER_PIECE)
        });
        Box::pin(async move {
            let (start, pieces) = prepared.await?;
            sink.begin(start);
            for piece in pieces {
                if delay > 0 {
                    gloo_timers::future::TimeoutFuture::new(delay).await;
                }
                if !sink.piece(piece.as_bytes()) {
                    return Ok(ExportEnd::Stopped);
                }
            }
            Ok(ExportEnd::Complete)
        })
    }

    fn get_user(&self, id: UserId) -> ApiFuture<UserDetail> {
        self.answer(
            format!("get_user {id}"),
            self.delay(),
            move |this, store| {
                this.admin(store)?;
                store.detail_of(id)
            },
        )
    }

    fn create_user(&self, user: &NewUser) -> ApiFuture<UserDetail> {
        let input = user.clone();
        self.answer("create_user".into(), self.delay(), move |this, store| {
            let caller = this.mutating_admin(store)?;
            store.create_user(caller, &input)
        })
    }

    fn update_user(&self, id: UserId, version: i64, patch: &UserPatch) -> ApiFuture<UserDetail> {
        let patch = patch.clone();
        self.answer(
            format!("update_user {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.update_user(caller, id, version, &patch)
            },
        )
    }

    fn delete_user(&self, id: UserId, body: &DeleteUser) -> ApiFuture<DeleteResult> {
        let replacement = body.replacement_owner_id;
        self.answer(
            format!("delete_user {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.delete_user(caller, id, replacement)
            },
        )
    }

    fn restore_user(&self, id: UserId) -> ApiFuture<UserDetail> {
        self.answer(
            format!("restore_user {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.mutating_admin(store)?;
                store.restore_user(caller, id)
            },
        )
    }

    fn reveal_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        self.answer(
            format!("reveal_token {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.reveal_token(caller, id)
            },
        )
    }

    fn regenerate_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        self.answer(
            format!("regenerate_token {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.regenerate_token(caller, id)
            },
        )
    }

    fn roles(&self) -> ApiFuture<Vec<Role>> {
        self.answer("roles".into(), self.delay(), |this, store| {
            this.admin(store)?;
            Ok(store.catalogue.clone())
        })
    }

    fn list_groups(&self, query: &PageQuery) -> ApiFuture<Page<Group>> {
        let call = format!(
            "list_groups query={} page={} per_page={}",
            query.query, query.page, query.per_page
        );
        let query = query.clone();
        self.answer(call, self.delay(), move |this, store| {
            this.admin(store)?;
            store.list_groups(&query)
        })
    }

    fn get_group(&self, id: GroupId) -> ApiFuture<Group> {
        self.answer(
            format!("get_group {id}"),
            self.delay(),
            move |this, store| {
                this.admin(store)?;
                store.group(id)
            },
        )
    }

    fn create_group(&self, group: &NewGroup) -> ApiFuture<Group> {
        let input = group.clone();
        self.answer("create_group".into(), self.delay(), move |this, store| {
            let caller = this.admin(store)?;
            store.create_group(caller, &input)
        })
    }

    fn update_group(&self, id: GroupId, version: i64, patch: &GroupPatch) -> ApiFuture<Group> {
        let patch = patch.clone();
        self.answer(
            format!("update_group {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.update_group(caller, id, version, &patch)
            },
        )
    }

    fn group_deletion(&self, id: GroupId) -> ApiFuture<GroupDeletion> {
        self.answer(
            format!("group_deletion {id}"),
            self.delay(),
            move |this, store| {
                this.admin(store)?;
                store.group_deletion(id)
            },
        )
    }

    fn delete_group(&self, id: GroupId) -> ApiFuture<GroupDeletion> {
        self.answer(
            format!("delete_group {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.delete_group(caller, id)
            },
        )
    }

    fn group_members(&self, id: GroupId, query: &PageQuery) -> ApiFuture<Page<GroupMember>> {
        let call = format!(
            "group_members {id} query={} page={} per_page={}",
            query.query, query.page, query.per_page
        );
        let query = query.clone();
        self.answer(call, self.delay(), move |this, store| {
            this.admin(store)?;
            store.group_members(id, &query)
        })
    }

    fn add_group_members(&self, id: GroupId, members: &AddMembers) -> ApiFuture<Group> {
        let body = members.clone();
        self.answer(
            format!("add_group_members {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.add_group_members(caller, id, &body)
            },
        )
    }

    fn remove_group_member(&self, id: GroupId, user_id: UserId) -> ApiFuture<Group> {
        self.answer(
            format!("remove_group_member {id} {user_id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.remove_group_member(caller, id, user_id)
            },
        )
    }

    fn identity_providers(&self) -> ApiFuture<Vec<IdentityProvider>> {
        self.answer("identity_providers".into(), self.delay(), |this, store| {
            this.admin(store)?;
            Ok(store.providers.clone())
        })
    }

    fn audit(&self, query: &AuditQuery) -> ApiFuture<AuditPage> {
        let query = query.clone();
        self.answer("audit".into(), self.delay(), move |this, store| {
            this.admin(store)?;
            Ok(store.audit_page(&query))
        })
    }

    fn user_activity(
        &self,
        id: UserId,
        before: Option<i64>,
        per_page: u32,
    ) -> ApiFuture<AuditPage> {
        self.answer(
            format!("user_activity {id}"),
            self.delay(),
            move |this, store| {
                this.admin(store)?;
                store.user(id)?;
                Ok(store.activity_page(id, before, per_page))
            },
        )
    }
}
