//! The conformance script against the in-memory client: what the app's
//! component tests stand on answers as the server does (the server's own
//! tests play the same script over HTTP on SQLite and PostgreSQL).

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use serde::Serialize;
use serde_json::{json, Value};
use users_api::{ErrorCode, Group};
use users_client::memory::MemoryClient;
use users_client::{ApiClient, ApiError, ExportEnd, ExportSink, ExportStart};
use users_conformance::{run, Call, Outcome, Target, ADMIN};

/// The in-memory client as a conformance target.
struct Memory {
    client: MemoryClient,
    admin: (i64, String),
}

impl Memory {
    fn new() -> Memory {
        let client = MemoryClient::new("Acme");
        let (first, last, email) = ADMIN;
        let id = client.add_user(first, last, email, &["Settings"], &[]);
        let token = client.token_of(id);
        Memory {
            client,
            admin: (id, token),
        }
    }
}

/// The answer as it would come over the wire.
fn outcome<T: Serialize>(success: u16, result: Result<T, ApiError>) -> Outcome {
    match result {
        Ok(value) => Outcome {
            status: success,
            body: serde_json::to_value(value).expect("serialisable"),
        },
        Err(error) => {
            let code = error.code().unwrap_or(ErrorCode::Internal);
            let mut body = json!({"error": {"code": code.as_str(), "message": error.message()}});
            if let Some(fields) = error.fields() {
                body["error"]["fields"] = json!(fields);
            }
            match &error {
                ApiError::StaleVersion { current } => body["current"] = json!(current),
                ApiError::StaleGroup { current } => body["current"] = json!(current),
                ApiError::OwnsAgents { agents } => body["agents"] = json!(agents),
                _ => {}
            }
            Outcome {
                status: code.status(),
                body,
            }
        }
    }
}

/// An export's pieces, put together.
#[derive(Default)]
struct Collected {
    start: RefCell<Option<ExportStart>>,
    bytes: RefCell<Vec<u8>>,
}

impl ExportSink for Collected {
    fn begin(&self, start: ExportStart) {
        *self.start.borrow_mut() = Some(start);
    }

    fn piece(&self, bytes: &[u8]) -> bool {
        self.bytes.borrow_mut().extend_from_slice(bytes);
        true
    }
}

/// The in-memory client answers at once (no delay is set): one poll.
fn now<T>(future: impl Future<Output = T>) -> T {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("the in-memory client answered later than at once"),
    }
}

impl Target for Memory {
    fn admin(&self) -> (i64, String) {
        self.admin.clone()
    }

    async fn call(&mut self, token: &str, call: Call) -> Outcome {
        let c = &self.client;
        c.set_token(Some(token.to_string()));
        let ok = call.success_status();
        match call {
            Call::Me => outcome(ok, now(c.me())),
            Call::ListUsers(query) => outcome(ok, now(c.list_users(&query))),
            Call::ExportUsers(query) => {
                let sink = Rc::new(Collected::default());
                let end = now(c.export_users(&query, sink.clone()));
                outcome(
                    ok,
                    end.map(|end| {
                        assert_eq!(end, ExportEnd::Complete);
                        let start = sink.start.borrow().clone().expect("begun");
                        json!({
                            "file_name": start.file_name,
                            "total": start.total,
                            "csv": String::from_utf8(sink.bytes.borrow().clone()).expect("UTF-8"),
                        })
                    }),
                )
            }
            Call::GetUser(id) => outcome(ok, now(c.get_user(id))),
            Call::CreateUser(user) => outcome(ok, now(c.create_user(&user))),
            Call::UpdateUser { id, version, patch } => {
                outcome(ok, now(c.update_user(id, version, &patch)))
            }
            Call::DeleteUser { id, body } => outcome(ok, now(c.delete_user(id, &body))),
            Call::RestoreUser(id) => outcome(ok, now(c.restore_user(id))),
            Call::RevealToken(id) => outcome(ok, now(c.reveal_token(id))),
            Call::RegenerateToken(id) => outcome(ok, now(c.regenerate_token(id))),
            Call::Roles => outcome(ok, now(c.roles())),
            Call::IdentityProviders => outcome(ok, now(c.identity_providers())),
            Call::ListGroups(query) => outcome(ok, now(c.list_groups(&query))),
            Call::GetGroup(id) => outcome(ok, now(c.get_group(id))),
            Call::CreateGroup(group) => outcome(ok, now(c.create_group(&group))),
            Call::UpdateGroup { id, version, patch } => {
                outcome(ok, now(c.update_group(id, version, &patch)))
            }
            // `ApiClient` has no edit without a version (its HTTP client
            // always sends `If-Match`): the call cannot reach the in-memory
            // client, so the answer is the one such a request gets on the wire.
            Call::UpdateGroupUnversioned { .. } => {
                outcome::<Group>(ok, Err(ApiError::VersionRequired))
            }
            Call::GroupDeletion(id) => outcome(ok, now(c.group_deletion(id))),
            Call::DeleteGroup(id) => outcome(ok, now(c.delete_group(id))),
            Call::GroupMembers(id, query) => outcome(ok, now(c.group_members(id, &query))),
            Call::AddGroupMembers(id, body) => outcome(ok, now(c.add_group_members(id, &body))),
            Call::RemoveGroupMember(id, user) => outcome(ok, now(c.remove_group_member(id, user))),
            Call::Audit(query) => outcome(ok, now(c.audit(&query))),
            Call::Activity(id, before, per_page) => {
                outcome(ok, now(c.user_activity(id, before, per_page)))
            }
        }
    }

    async fn add_agent(&mut self, owner: i64, name: &str) {
        self.client.add_agent(owner, name);
    }
}

#[test]
fn the_in_memory_client_answers_as_the_contract_says() {
    let mut target = Memory::new();
    let report = now(run(&mut target));
    report.assert_passed("the in-memory client");
    assert!(
        report.checked > 230,
        "the whole script ran: {}",
        report.checked
    );
}

#[test]
fn a_reintroduced_drift_is_caught() {
    // The script itself must be able to fail: a target that answers every
    // call with 200 and an empty body meets almost nothing.
    struct Yes;
    impl Target for Yes {
        fn admin(&self) -> (i64, String) {
            (1, "t".into())
        }
        async fn call(&mut self, _: &str, _: Call) -> Outcome {
            Outcome {
                status: 200,
                body: Value::Null,
            }
        }
        async fn add_agent(&mut self, _: i64, _: &str) {}
    }
    let report = now(run(&mut Yes));
    assert!(report.failures.len() > 50, "{:?}", report.failures);
}
