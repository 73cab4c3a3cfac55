//! The calls the script makes, and how each one goes over HTTP.

use serde_json::{json, Value};
use users_api::{
    AddMembers, AuditQuery, DeleteUser, GroupId, GroupPatch, ListQuery, NewGroup, NewUser,
    PageQuery, ParamStyle, UserId, UserPatch,
};

/// One API call.
#[derive(Debug, Clone)]
pub enum Call {
    Me,
    ListUsers(ListQuery),
    /// `GET /users/export.csv`; a success is read as `{"file_name",
    /// "total", "csv"}` (from `Content-Disposition`, `X-Total-Count` and
    /// the body).
    ExportUsers(ListQuery),
    GetUser(UserId),
    CreateUser(NewUser),
    /// With `If-Match: "<version>"`.
    UpdateUser {
        id: UserId,
        version: i64,
        patch: UserPatch,
    },
    DeleteUser {
        id: UserId,
        body: DeleteUser,
    },
    RestoreUser(UserId),
    RevealToken(UserId),
    RegenerateToken(UserId),
    Roles,
    IdentityProviders,
    ListGroups(PageQuery),
    GetGroup(GroupId),
    CreateGroup(NewGroup),
    /// With `If-Match: "<version>"`.
    UpdateGroup {
        id: GroupId,
        version: i64,
        patch: GroupPatch,
    },
    /// The same edit without `If-Match` (a client that skipped reading it).
    UpdateGroupUnversioned {
        id: GroupId,
        patch: GroupPatch,
    },
    GroupDeletion(GroupId),
    DeleteGroup(GroupId),
    GroupMembers(GroupId, PageQuery),
    AddGroupMembers(GroupId, AddMembers),
    RemoveGroupMember(GroupId, UserId),
    Audit(AuditQuery),
    /// A user's activity: (user, cursor, page size).
    Activity(UserId, Option<i64>, u32),
}

/// A call as an HTTP request under `/api/v1`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    pub method: &'static str,
    /// Path below `/api/v1`, e.g. `/users/7`.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub if_match: Option<i64>,
    pub body: Option<Value>,
}

impl Call {
    /// The status of a successful answer.
    pub fn success_status(&self) -> u16 {
        match self {
            Call::CreateUser(_) | Call::RegenerateToken(_) | Call::CreateGroup(_) => 201,
            _ => 200,
        }
    }

    /// The request that makes this call.
    pub fn http(&self) -> HttpRequest {
        let request = |method, path: String| HttpRequest {
            method,
            path,
            query: Vec::new(),
            if_match: None,
            body: None,
        };
        match self {
            Call::Me => request("GET", "/me".into()),
            Call::ListUsers(query) => HttpRequest {
                query: query.to_params(ParamStyle::Api),
                ..request("GET", "/users".into())
            },
            Call::ExportUsers(query) => HttpRequest {
                query: query.to_params(ParamStyle::Api),
                ..request("GET", "/users/export.csv".into())
            },
            Call::GetUser(id) => request("GET", format!("/users/{id}")),
            Call::CreateUser(user) => HttpRequest {
                body: Some(json!(user)),
                ..request("POST", "/users".into())
            },
            Call::UpdateUser { id, version, patch } => HttpRequest {
                if_match: Some(*version),
                body: Some(json!(patch)),
                ..request("PATCH", format!("/users/{id}"))
            },
            Call::DeleteUser { id, body } => HttpRequest {
                body: Some(json!(body)),
                ..request("DELETE", format!("/users/{id}"))
            },
            Call::RestoreUser(id) => request("POST", format!("/users/{id}/restore")),
            Call::RevealToken(id) => request("GET", format!("/users/{id}/access_token")),
            Call::RegenerateToken(id) => request("POST", format!("/users/{id}/access_token")),
            Call::Roles => request("GET", "/roles".into()),
            Call::IdentityProviders => request("GET", "/identity_providers".into()),
            Call::ListGroups(query) => HttpRequest {
                query: query.to_params(ParamStyle::Api),
                ..request("GET", "/groups".into())
            },
            Call::GetGroup(id) => request("GET", format!("/groups/{id}")),
            Call::CreateGroup(group) => HttpRequest {
                body: Some(json!(group)),
                ..request("POST", "/groups".into())
            },
            Call::UpdateGroup { id, version, patch } => HttpRequest {
                if_match: Some(*version),
                body: Some(json!(patch)),
                ..request("PATCH", format!("/groups/{id}"))
            },
            Call::UpdateGroupUnversioned { id, patch } => HttpRequest {
                body: Some(json!(patch)),
                ..request("PATCH", format!("/groups/{id}"))
            },
            Call::GroupDeletion(id) => request("GET", format!("/groups/{id}/deletion")),
            Call::DeleteGroup(id) => request("DELETE", format!("/groups/{id}")),
            Call::GroupMembers(id, query) => HttpRequest {
                query: query.to_params(ParamStyle::Api),
                ..request("GET", format!("/groups/{id}/members"))
            },
            Call::AddGroupMembers(id, body) => HttpRequest {
                body: Some(json!(body)),
                ..request("POST", format!("/groups/{id}/members"))
            },
            Call::RemoveGroupMember(id, user) => {
                request("DELETE", format!("/groups/{id}/members/{user}"))
            }
            Call::Audit(query) => HttpRequest {
                query: query.to_pairs(),
                ..request("GET", "/audit".into())
            },
            Call::Activity(id, before, per_page) => {
                let mut query = vec![("per_page", per_page.to_string())];
                if let Some(before) = before {
                    query.push(("before", before.to_string()));
                }
                HttpRequest {
                    query,
                    ..request("GET", format!("/users/{id}/activity"))
                }
            }
        }
    }
}
