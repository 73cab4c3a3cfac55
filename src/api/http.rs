//! The API client over `fetch` (gloo-net).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use users_api::{
    AddMembers, AuditPage, AuditQuery, DeleteResult, DeleteUser, Group, GroupDeletion, GroupId,
    GroupMember, GroupPatch, IdentityProvider, ListQuery, Me, NewGroup, NewUser, Page, PageQuery,
    ParamStyle, RevealedToken, Role, UserDetail, UserId, UserPatch, UserSummary,
};
use web_sys::AbortController;

use super::endpoints_in_chunks::{self as chunked, in_chunk};
use super::{early, ApiClient, ApiError, ApiFuture};
use users_client::{ExportEnd, ExportSink};

/// `config.json`, served next to `index.html`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Config {
    /// Origin (and optional path prefix) of the API server; empty = same origin.
    #[serde(default)]
    pub api_base: String,
}

impl Config {
    /// Loads `/config.json` (as `index.html` already read it, if it did); a
    /// missing or unreadable file means same origin. The base is remembered
    /// for the tab (see `early`).
    pub async fn load() -> Config {
        let config = match early::config().await {
            Some(read) => Config {
                api_base: js_sys::Reflect::get(&read, &"api_base".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default(),
            },
            None => match Request::get("/config.json").send().await {
                Ok(response) if response.ok() => response.json().await.unwrap_or_default(),
                _ => Config::default(),
            },
        };
        early::remember_api_base(&config.api_base);
        config
    }
}

/// Talks to the server at `api_base` + `/api/v1`.
pub struct HttpClient {
    base: String,
    token: RefCell<Option<String>>,
    /// The list request in flight, aborted when a newer one starts.
    list_in_flight: RefCell<Option<AbortController>>,
}

impl HttpClient {
    pub fn new(config: &Config) -> Self {
        HttpClient {
            base: format!("{}/api/v1", config.api_base.trim().trim_end_matches('/')),
            token: RefCell::new(None),
            list_in_flight: RefCell::new(None),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn authorized(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder.header("Accept", "application/json");
        match self.token.borrow().as_deref() {
            Some(token) => builder.header("Access-Token", token),
            None => builder,
        }
    }

    fn get<T: DeserializeOwned + 'static>(&self, path: &str) -> ApiFuture<T> {
        Box::pin(send(self.get_request(path)))
    }

    /// A request without a body (`POST`, `DELETE`).
    fn bare<T: DeserializeOwned + 'static>(&self, builder: RequestBuilder) -> ApiFuture<T> {
        Box::pin(send(self.authorized(builder).build()))
    }

    /// `GET path`, ready to send.
    fn get_request(&self, path: &str) -> Built {
        self.authorized(Request::get(&self.url(path))).build()
    }

    /// `GET path` with a page query (search, page, size), ready to send.
    fn page_request(&self, path: &str, query: &PageQuery) -> Built {
        let params = query.to_params(ParamStyle::Api);
        self.authorized(Request::get(&self.url(path)))
            .query(params.iter().map(|(name, value)| (*name, value.as_str())))
            .build()
    }

    /// `PATCH path` with `If-Match: "<version>"`, its body still to come.
    fn patch(&self, path: &str, version: i64) -> RequestBuilder {
        self.authorized(Request::patch(&self.url(path)))
            .header("If-Match", &format!("\"{version}\""))
    }
}

/// A request ready to send, or why it could not be built.
pub(super) type Built = Result<Request, gloo_net::Error>;

/// Sends a request and reads the answer (generic only in the last step, so
/// one copy of the fetch code serves every endpoint).
pub(super) async fn send<T: DeserializeOwned>(request: Built) -> Result<T, ApiError> {
    let body = fetch(request).await?;
    serde_json::from_str(&body).map_err(|e| ApiError::Network(format!("unreadable answer: {e}")))
}

/// The body of a successful answer, or the decoded error.
async fn fetch(request: Built) -> Result<String, ApiError> {
    let request = request.map_err(|e| ApiError::Network(e.to_string()))?;
    let early = match request.method() {
        gloo_net::http::Method::GET => {
            let token = request.headers().get("Access-Token");
            early::answer(&request.url(), token.as_deref()).await
        }
        _ => None,
    };
    let (status, body) = match early {
        Some(answer) => answer,
        None => {
            let response: Response = request
                .send()
                .await
                .map_err(|e| ApiError::Network(e.to_string()))?;
            let body = response
                .text()
                .await
                .map_err(|e| ApiError::Network(e.to_string()))?;
            (response.status(), body)
        }
    };
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(ApiError::from_body(status, &body))
    }
}

impl ApiClient for HttpClient {
    fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token;
    }

    fn me(&self) -> ApiFuture<Me> {
        self.get("/me")
    }

    fn list_users(&self, query: &ListQuery) -> ApiFuture<Page<UserSummary>> {
        if let Some(previous) = self.list_in_flight.borrow_mut().take() {
            previous.abort();
        }
        let controller = AbortController::new().ok();
        let params = query.to_params(ParamStyle::Api);
        let builder = self
            .authorized(Request::get(&self.url("/users")))
            .query(params.iter().map(|(name, value)| (*name, value.as_str())))
            .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
        *self.list_in_flight.borrow_mut() = controller;
        Box::pin(send(builder.build()))
    }

    fn export_users(&self, query: &ListQuery, sink: Rc<dyn ExportSink>) -> ApiFuture<ExportEnd> {
        let params = query.to_params(ParamStyle::Api);
        let mut builder = Request::get(&self.url("/users/export.csv"))
            .header("Accept", "text/csv, application/json")
            .query(params.iter().map(|(name, value)| (*name, value.as_str())));
        if let Some(token) = self.token.borrow().as_deref() {
            builder = builder.header("Access-Token", token);
        }
        Box::pin(super::csv_stream::stream(builder.build(), sink))
    }

    fn get_user(&self, id: UserId) -> ApiFuture<UserDetail> {
        self.get(&format!("/users/{id}"))
    }

    fn create_user(&self, user: &NewUser) -> ApiFuture<UserDetail> {
        let builder = self.authorized(Request::post(&self.url("/users")));
        in_chunk(chunked::create_user(builder, user.clone()))
    }

    fn update_user(&self, id: UserId, version: i64, patch: &UserPatch) -> ApiFuture<UserDetail> {
        let builder = self.patch(&format!("/users/{id}"), version);
        in_chunk(chunked::update_user(builder, patch.clone()))
    }

    fn delete_user(&self, id: UserId, body: &DeleteUser) -> ApiFuture<DeleteResult> {
        let builder = self.authorized(Request::delete(&self.url(&format!("/users/{id}"))));
        in_chunk(chunked::delete_user(builder, body.clone()))
    }

    fn restore_user(&self, id: UserId) -> ApiFuture<UserDetail> {
        self.bare(Request::post(&self.url(&format!("/users/{id}/restore"))))
    }

    fn reveal_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        in_chunk(chunked::access_token(
            self.get_request(&format!("/users/{id}/access_token")),
        ))
    }

    fn regenerate_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        let path = self.url(&format!("/users/{id}/access_token"));
        in_chunk(chunked::access_token(
            self.authorized(Request::post(&path)).build(),
        ))
    }

    fn roles(&self) -> ApiFuture<Vec<Role>> {
        self.get("/roles")
    }

    fn list_groups(&self, query: &PageQuery) -> ApiFuture<Page<Group>> {
        Box::pin(send(self.page_request("/groups", query)))
    }

    fn get_group(&self, id: GroupId) -> ApiFuture<Group> {
        self.get(&format!("/groups/{id}"))
    }

    fn create_group(&self, group: &NewGroup) -> ApiFuture<Group> {
        let builder = self.authorized(Request::post(&self.url("/groups")));
        in_chunk(chunked::create_group(builder, group.clone()))
    }

    fn update_group(&self, id: GroupId, version: i64, patch: &GroupPatch) -> ApiFuture<Group> {
        let builder = self.patch(&format!("/groups/{id}"), version);
        in_chunk(chunked::update_group(builder, patch.clone()))
    }

    fn group_deletion(&self, id: GroupId) -> ApiFuture<GroupDeletion> {
        in_chunk(chunked::group_deletion(
            self.get_request(&format!("/groups/{id}/deletion")),
        ))
    }

    fn delete_group(&self, id: GroupId) -> ApiFuture<GroupDeletion> {
        let path = self.url(&format!("/groups/{id}"));
        in_chunk(chunked::group_deletion(
            self.authorized(Request::delete(&path)).build(),
        ))
    }

    fn group_members(&self, id: GroupId, query: &PageQuery) -> ApiFuture<Page<GroupMember>> {
        in_chunk(chunked::group_members(
            self.page_request(&format!("/groups/{id}/members"), query),
        ))
    }

    fn add_group_members(&self, id: GroupId, members: &AddMembers) -> ApiFuture<Group> {
        let path = self.url(&format!("/groups/{id}/members"));
        let builder = self.authorized(Request::post(&path));
        in_chunk(chunked::add_group_members(builder, members.clone()))
    }

    fn remove_group_member(&self, id: GroupId, user_id: UserId) -> ApiFuture<Group> {
        let path = self.url(&format!("/groups/{id}/members/{user_id}"));
        in_chunk(chunked::group(
            self.authorized(Request::delete(&path)).build(),
        ))
    }

    fn identity_providers(&self) -> ApiFuture<Vec<IdentityProvider>> {
        self.get("/identity_providers")
    }

    fn audit(&self, query: &AuditQuery) -> ApiFuture<AuditPage> {
        let pairs: Vec<String> = query
            .to_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(&v)))
            .collect();
        in_chunk(chunked::audit(
            self.get_request(&format!("/audit?{}", pairs.join("&"))),
        ))
    }

    fn user_activity(
        &self,
        id: UserId,
        before: Option<i64>,
        per_page: u32,
    ) -> ApiFuture<AuditPage> {
        let cursor = before.map(|b| format!("&before={b}")).unwrap_or_default();
        in_chunk(chunked::audit(self.get_request(&format!(
            "/users/{id}/activity?per_page={per_page}{cursor}"
        ))))
    }
}
