//! `kill -9` of the server under a mixed write load, several rounds: no
//! acknowledged write is lost and none is half applied.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::check::assert_consistent;
use super::workload::{seed_users, Rng, Setup, Write, WriteKind};
use crate::common::process::Instance;

const ROUNDS: usize = 4;
const CLIENTS: usize = 8;

/// What a user must look like: its last name and status.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expect {
    last_name: String,
    archived: bool,
}

/// One user as the load saw it: the last acknowledged state and, when the
/// kill came while a write to it was in flight, the state that write would
/// have made (either may be what survived, nothing else).
#[derive(Debug, Clone)]
struct Tracked {
    acked: Expect,
    in_flight: Option<Expect>,
}

type Ledger = Arc<Mutex<HashMap<i64, Tracked>>>;

/// One client: edits, archives and restores its own users until the
/// server dies; records each answer before sending the next write.
async fn client(
    api: crate::common::Api,
    token: String,
    heir: i64,
    mine: Vec<i64>,
    ledger: Ledger,
    seed: u64,
) -> u64 {
    let mut rng = Rng::new(seed);
    let mut acknowledged = 0;
    loop {
        let id = *rng.pick(&mine);
        let before = ledger.lock().unwrap()[&id].acked.clone();
        let kind = *rng.pick(&[
            WriteKind::Edit,
            WriteKind::Edit,
            WriteKind::Archive,
            WriteKind::Restore,
        ]);
        let write = Write::of(kind, id, heir, rng.next(), &mut rng);
        let mut after = before.clone();
        match kind {
            WriteKind::Edit if !before.archived => {
                after.last_name = write.body.as_ref().unwrap()["last_name"]
                    .as_str()
                    .unwrap()
                    .to_string();
            }
            WriteKind::Edit => continue,
            WriteKind::Archive => after.archived = true,
            _ => after.archived = false,
        }
        ledger.lock().unwrap().get_mut(&id).unwrap().in_flight = Some(after.clone());
        match write.send(&api, &token).await {
            Ok((status, body)) => {
                assert!(
                    (200..300).contains(&status),
                    "{kind:?} {id}: {status} {body}"
                );
                let mut ledger = ledger.lock().unwrap();
                let tracked = ledger.get_mut(&id).unwrap();
                tracked.acked = after;
                tracked.in_flight = None;
                acknowledged += 1;
            }
            Err(_) => return acknowledged,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_write_load_loses_no_acknowledged_write() {
    let mut rng = Rng::from_env("kill -9");
    let Setup {
        dir: _dir,
        db,
        admin,
        admin_id,
        mut server,
    } = Setup::new().await;
    let users = seed_users(&server, &admin, CLIENTS * 3, &mut rng).await;
    let ledger: Ledger = Arc::new(Mutex::new(HashMap::new()));
    for (i, id) in users.iter().enumerate() {
        let acked = Expect {
            last_name: format!("Person {i}"),
            archived: false,
        };
        ledger.lock().unwrap().insert(
            *id,
            Tracked {
                acked,
                in_flight: None,
            },
        );
    }

    let mut acknowledged = 0;
    for round in 0..ROUNDS {
        let mut clients = Vec::new();
        for (c, mine) in users.chunks(3).enumerate() {
            clients.push(tokio::spawn(client(
                server.api.clone(),
                admin.clone(),
                admin_id,
                mine.to_vec(),
                ledger.clone(),
                rng.next() ^ c as u64,
            )));
        }
        tokio::time::sleep(Duration::from_millis(300 + rng.below(700))).await;
        server.kill_9();
        for c in clients {
            acknowledged += c.await.unwrap();
        }

        // Restarted on the same data: each user is as last acknowledged, or
        // as the write in flight at the kill left it, entirely.
        server = Instance::start(&db).await;
        let listed = assert_consistent(&server, &admin, 0).await;
        let mut ledger = ledger.lock().unwrap();
        for (id, tracked) in ledger.iter_mut() {
            let user = listed
                .iter()
                .find(|u| u["id"] == *id)
                .unwrap_or_else(|| panic!("round {round}: user {id} is gone"));
            let now = Expect {
                last_name: user["last_name"].as_str().unwrap().to_string(),
                archived: user["status"] == "archived",
            };
            assert!(
                now == tracked.acked || Some(&now) == tracked.in_flight.as_ref(),
                "round {round}, user {id}: {now:?}, acknowledged {:?}, in flight {:?}",
                tracked.acked,
                tracked.in_flight
            );
            tracked.acked = now;
            tracked.in_flight = None;
        }
    }
    println!("{ROUNDS} rounds killed with SIGKILL; {acknowledged} acknowledged writes checked; none lost");
}
