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
        let request = self.authorized(Request::get(&self.url(path))).build();
        Box::pin(send(request))
    }

    /// `GET path` with a page query (search, page, size) as parameters.
    fn get_page<T: DeserializeOwned + 'static>(
        &self,
        path: &str,
        query: &PageQuery,
    ) -> ApiFuture<T> {
        let params = query.to_params(ParamStyle::Api);
        let request = self
            .authorized(Request::get(&self.url(path)))
            .query(params.iter().map(|(name, value)| (*name, value.as_str())))
            .build();
        Box::pin(send(request))
    }

    /// A request without a body (`POST`, `DELETE`).
    fn bare<T: DeserializeOwned + 'static>(&self, builder: RequestBuilder) -> ApiFuture<T> {
        Box::pin(send(self.authorized(builder).build()))
    }

    fn with_body<T: DeserializeOwned + 'static, B: serde::Serialize + ?Sized>(
        &self,
        builder: RequestBuilder,
        body: &B,
    ) -> ApiFuture<T> {
        let request = self.authorized(builder).json(body);
        Box::pin(send(request))
    }
}

/// Sends a request and reads the answer (generic only in the last step, so
/// one copy of the fetch code serves every endpoint).
async fn send<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    let body = fetch(request).await?;
    serde_json::from_str(&body).map_err(|e| ApiError::Network(format!("unreadable answer: {e}")))
}

/// The body of a successful answer, or the decoded error.
async fn fetch(request: Result<Request, gloo_net::Error>) -> Result<String, ApiError> {
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
        self.with_body(Request::post(&self.url("/users")), user)
    }

    fn update_user(&self, id: UserId, version: i64, patch: &UserPatch) -> ApiFuture<UserDetail> {
        let builder = Request::patch(&self.url(&format!("/users/{id}")))
            .header("If-Match", &format!("\"{version}\""));
        self.with_body(builder, patch)
    }

    fn delete_user(&self, id: UserId, body: &DeleteUser) -> ApiFuture<DeleteResult> {
        self.with_body(Request::delete(&self.url(&format!("/users/{id}"))), body)
    }

    fn restore_user(&self, id: UserId) -> ApiFuture<UserDetail> {
        self.bare(Request::post(&self.url(&format!("/users/{id}/restore"))))
    }

    fn reveal_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        self.get(&format!("/users/{id}/access_token"))
    }

    fn regenerate_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        self.bare(Request::post(
            &self.url(&format!("/users/{id}/access_token")),
        ))
    }

    fn roles(&self) -> ApiFuture<Vec<Role>> {
        self.get("/roles")
    }

    fn list_groups(&self, query: &PageQuery) -> ApiFuture<Page<Group>> {
        self.get_page("/groups", query)
    }

    fn get_group(&self, id: GroupId) -> ApiFuture<Group> {
        self.get(&format!("/groups/{id}"))
    }

    fn create_group(&self, group: &NewGroup) -> ApiFuture<Group> {
        self.with_body(Request::post(&self.url("/groups")), group)
    }

    fn update_group(&self, id: GroupId, version: i64, patch: &GroupPatch) -> ApiFuture<Group> {
        let builder = Request::patch(&self.url(&format!("/groups/{id}")))
            .header("If-Match", &format!("\"{version}\""));
        self.with_body(builder, patch)
    }

    fn group_deletion(&self, id: GroupId) -> ApiFuture<GroupDeletion> {
        self.get(&format!("/groups/{id}/deletion"))
    }

    fn delete_group(&self, id: GroupId) -> ApiFuture<GroupDeletion> {
        self.bare(Request::delete(&self.url(&format!("/groups/{id}"))))
    }

    fn group_members(&self, id: GroupId, query: &PageQuery) -> ApiFuture<Page<GroupMember>> {
        self.get_page(&format!("/groups/{id}/members"), query)
    }

    fn add_group_members(&self, id: GroupId, members: &AddMembers) -> ApiFuture<Group> {
        self.with_body(
            Request::post(&self.url(&format!("/groups/{id}/members"))),
            members,
        )
    }

    fn remove_group_member(&self, id: GroupId, user_id: UserId) -> ApiFuture<Group> {
        self.bare(Request::delete(
            &self.url(&format!("/groups/{id}/members/{user_id}")),
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
        self.get(&format!("/audit?{}", pairs.join("&")))
    }

    fn user_activity(
        &self,
        id: UserId,
        before: Option<i64>,
        per_page: u32,
    ) -> ApiFuture<AuditPage> {
        let cursor = before.map(|b| format!("&before={b}")).unwrap_or_default();
        self.get(&format!("/users/{id}/activity?per_page={per_page}{cursor}"))
    }
}
