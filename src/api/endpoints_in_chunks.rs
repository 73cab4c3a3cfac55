//! The endpoints only views loaded on first use call (the user form, the
//! row-action dialogs, the group pages, the audit log). Under
//! `--cfg wasm_split` their requests are finished, sent and their answers
//! decoded by code in chunks of their own — `api_users`, `api_groups`,
//! `api_audit` — fetched with the views that call them (see
//! `pages::lazy::Chunk::prefetch`), so the list's first load carries none
//! of it; every other build calls them directly. `HttpClient` keeps
//! building the URL and headers (shared with the list's calls), and
//! [`in_chunk`] turns a chunk that cannot be fetched ([`ChunkError`], also
//! what a view's chunk fails with in `pages::lazy`) into the network error
//! every call can already fail with.

use std::future::Future;

use gloo_net::http::RequestBuilder;
use users_api::{
    AddMembers, AuditPage, DeleteResult, DeleteUser, Group, GroupDeletion, GroupMember, GroupPatch,
    NewGroup, NewUser, Page, RevealedToken, UserDetail, UserPatch,
};

use super::http::{send, Built};
use super::{ApiError, ApiFuture};

/// A chunk of the app's code (a view's, or endpoints') could not be fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkError(String);

impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(error: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError(error.to_string())
    }
}

impl From<ChunkError> for ApiError {
    /// Shown as the network error it is ("could not be reached … try again").
    fn from(error: ChunkError) -> Self {
        ApiError::Network(error.0)
    }
}

/// The call `loading` hands over once its chunk is there.
pub(super) fn in_chunk<T: 'static>(
    loading: impl Future<Output = Result<ApiFuture<T>, ChunkError>> + 'static,
) -> ApiFuture<T> {
    Box::pin(async move { loading.await.map_err(ApiError::from)?.await })
}

/// Declares `$name`, whose body runs in chunk `$chunk` under
/// `--cfg wasm_split` (an `Err` when the chunk cannot be fetched; a later
/// call fetches it again), directly otherwise.
macro_rules! endpoint {
    ($chunk:ident: $name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $body:expr) => {
        #[cfg(wasm_split)]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub(super) fn $name($($arg: $ty),*) -> Result<ApiFuture<$out>, ChunkError> {
            Ok(Box::pin($body))
        }

        #[cfg(not(wasm_split))]
        pub(super) async fn $name($($arg: $ty),*) -> Result<ApiFuture<$out>, ChunkError> {
            Ok(Box::pin($body))
        }
    };
}

endpoint!(api_users: create_user(builder: RequestBuilder, user: NewUser) -> UserDetail =
    send(builder.json(&user)));
endpoint!(api_users: update_user(builder: RequestBuilder, patch: UserPatch) -> UserDetail =
    send(builder.json(&patch)));
endpoint!(api_users: delete_user(builder: RequestBuilder, body: DeleteUser) -> DeleteResult =
    send(builder.json(&body)));
endpoint!(api_users: access_token(request: Built) -> RevealedToken = send(request));

endpoint!(api_groups: group(request: Built) -> Group = send(request));
endpoint!(api_groups: create_group(builder: RequestBuilder, group: NewGroup) -> Group =
    send(builder.json(&group)));
endpoint!(api_groups: update_group(builder: RequestBuilder, patch: GroupPatch) -> Group =
    send(builder.json(&patch)));
endpoint!(api_groups: add_group_members(builder: RequestBuilder, members: AddMembers) -> Group =
    send(builder.json(&members)));
endpoint!(api_groups: group_deletion(request: Built) -> GroupDeletion = send(request));
endpoint!(api_groups: group_members(request: Built) -> Page<GroupMember> = send(request));

endpoint!(api_audit: audit(request: Built) -> AuditPage = send(request));

/// The endpoints' chunks, fetched ahead with the views that call them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoints {
    /// Create, update and delete users; their access tokens.
    Users,
    /// Everything on a group's page but the group itself.
    Groups,
    /// The audit log and a user's activity.
    Audit,
}

impl Endpoints {
    /// Fetches this chunk (once; see `pages::lazy::Chunk::prefetch`): any
    /// one of its functions' preload brings the whole chunk.
    #[cfg(wasm_split)]
    pub async fn fetch(self) -> Result<(), leptos::wasm_split::SplitLoaderError> {
        match self {
            Endpoints::Users => __wasm_split_preload_create_user().await,
            Endpoints::Groups => __wasm_split_preload_create_group().await,
            Endpoints::Audit => __wasm_split_preload_audit().await,
        }
    }
}
