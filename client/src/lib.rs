//! The Users console's API client contract: one trait covering every
//! endpoint of the v1 REST API ([`ApiClient`]), the one error type every call
//! fails with ([`ApiError`]), and [`memory::MemoryClient`], an in-memory
//! implementation with the server's semantics. The browser app talks to the
//! server through its HTTP implementation of the trait; its component tests
//! use the in-memory one, which the conformance suite
//! (`users-conformance`) proves equal to the server.

pub mod error;
pub mod memory;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use users_api::{
    AddMembers, AuditPage, AuditQuery, DeleteResult, DeleteUser, Group, GroupDeletion, GroupId,
    GroupMember, GroupPatch, IdentityProvider, ListQuery, Me, NewGroup, NewUser, Page, PageQuery,
    RevealedToken, Role, UserDetail, UserId, UserPatch, UserSummary,
};

pub use error::ApiError;

/// What every API call returns: a boxed, single-threaded future.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// An export's file as it begins: its name and how many users it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportStart {
    pub file_name: String,
    pub total: u64,
}

/// How an export ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportEnd {
    /// Every piece of the file was handed over.
    Complete,
    /// The sink asked to stop.
    Stopped,
}

/// Where an export's file goes as it arrives, piece by piece, so that no
/// one holds the whole file twice.
pub trait ExportSink {
    /// Before the first piece.
    fn begin(&self, start: ExportStart);
    /// The next piece of the CSV (UTF-8; pieces may split a line); `false`
    /// stops the export.
    fn piece(&self, bytes: &[u8]) -> bool;
}

/// Every endpoint of the v1 contract. Calls are made as the user whose
/// access token was last given to [`ApiClient::set_token`].
pub trait ApiClient {
    /// Sets (or forgets) the access token sent with every later call.
    fn set_token(&self, token: Option<String>);

    /// `GET /me`: the signed-in user, their company and whether they may
    /// manage users.
    fn me(&self) -> ApiFuture<Me>;

    /// `GET /users`: one page of the list. A newer call supersedes (aborts)
    /// an older one still in flight.
    fn list_users(&self, query: &ListQuery) -> ApiFuture<Page<UserSummary>>;

    /// `GET /users/export.csv`: every user `query` names (its paging
    /// aside) as CSV, handed to `sink` as it arrives.
    fn export_users(&self, query: &ListQuery, sink: Rc<dyn ExportSink>) -> ApiFuture<ExportEnd>;

    /// `GET /users/{id}`; the detail's `version` is the ETag to edit with.
    fn get_user(&self, id: UserId) -> ApiFuture<UserDetail>;

    /// `POST /users`.
    fn create_user(&self, user: &NewUser) -> ApiFuture<UserDetail>;

    /// `PATCH /users/{id}` with `If-Match: "<version>"`.
    fn update_user(&self, id: UserId, version: i64, patch: &UserPatch) -> ApiFuture<UserDetail>;

    /// `DELETE /users/{id}` (archive), giving owned agents to the replacement.
    fn delete_user(&self, id: UserId, body: &DeleteUser) -> ApiFuture<DeleteResult>;

    /// `POST /users/{id}/restore`.
    fn restore_user(&self, id: UserId) -> ApiFuture<UserDetail>;

    /// `GET /users/{id}/access_token`: reveals the token.
    fn reveal_token(&self, id: UserId) -> ApiFuture<RevealedToken>;

    /// `POST /users/{id}/access_token`: regenerates it; the old one stops working.
    fn regenerate_token(&self, id: UserId) -> ApiFuture<RevealedToken>;

    /// `GET /roles`: the catalogue, in catalogue order.
    fn roles(&self) -> ApiFuture<Vec<Role>>;

    /// `GET /groups`: one page, alphabetical, searchable by name.
    fn list_groups(&self, query: &PageQuery) -> ApiFuture<Page<Group>>;

    /// `GET /groups/{id}`; its `version` is the ETag to edit with.
    fn get_group(&self, id: GroupId) -> ApiFuture<Group>;

    /// `POST /groups`.
    fn create_group(&self, group: &NewGroup) -> ApiFuture<Group>;

    /// `PATCH /groups/{id}` with `If-Match: "<version>"`.
    fn update_group(&self, id: GroupId, version: i64, patch: &GroupPatch) -> ApiFuture<Group>;

    /// `GET /groups/{id}/deletion`: what deleting the group would do.
    fn group_deletion(&self, id: GroupId) -> ApiFuture<GroupDeletion>;

    /// `DELETE /groups/{id}`: deletes it; answers what it did.
    fn delete_group(&self, id: GroupId) -> ApiFuture<GroupDeletion>;

    /// `GET /groups/{id}/members`: one page of its active members.
    fn group_members(&self, id: GroupId, query: &PageQuery) -> ApiFuture<Page<GroupMember>>;

    /// `POST /groups/{id}/members`: adds users (all or none); answers the group.
    fn add_group_members(&self, id: GroupId, members: &AddMembers) -> ApiFuture<Group>;

    /// `DELETE /groups/{id}/members/{user_id}`; answers the group.
    fn remove_group_member(&self, id: GroupId, user_id: UserId) -> ApiFuture<Group>;

    /// `GET /identity_providers`.
    fn identity_providers(&self) -> ApiFuture<Vec<IdentityProvider>>;

    /// `GET /audit`: one page of the log, newest first, filtered.
    fn audit(&self, query: &AuditQuery) -> ApiFuture<AuditPage>;

    /// `GET /users/{id}/activity`: the newest entries where the user acted
    /// or was affected.
    fn user_activity(&self, id: UserId, before: Option<i64>, per_page: u32)
        -> ApiFuture<AuditPage>;
}
