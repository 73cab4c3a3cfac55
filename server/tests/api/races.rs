//! Races the storage layer must win on either backend: two administrators
//! removing each other's Settings at the same moment must not leave the
//! company without one.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestServer;

#[tokio::test]
async fn concurrent_demotions_of_the_last_two_admins_cannot_both_succeed() {
    let s = TestServer::start().await;
    let second = s
        .account("Sam", "Second", "sam@acme.example", &["Settings"])
        .await;
    let (first_path, second_path) = (
        format!("/api/v1/users/{}", s.admin.id),
        format!("/api/v1/users/{}", second.id),
    );
    for round in 0..12 {
        let (_, first_now) = s.get(&first_path, &s.admin.token).await;
        let (_, second_now) = s.get(&second_path, &s.admin.token).await;
        let version = |user: &Value| user["version"].as_i64().unwrap();
        // Each demotes the other, at the same time.
        let demote_second = s.patch(
            &second_path,
            &s.admin.token,
            version(&second_now),
            json!({"roles": ["Development"]}),
        );
        let demote_first = s.patch(
            &first_path,
            &second.token,
            version(&first_now),
            json!({"roles": ["Development"]}),
        );
        let ((a, body_a), (b, body_b)) = tokio::join!(demote_second, demote_first);
        let outcomes = [a, b];
        let won = outcomes.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(won, 1, "round {round}: {body_a} {body_b}");
        for (status, body) in [(a, &body_a), (b, &body_b)] {
            if status != StatusCode::OK {
                // The loser was refused by the rule, or lost its right to
                // manage users a moment before its request was authorised.
                let code = body["error"]["code"].as_str().unwrap_or_default();
                assert!(
                    ["last_admin", "forbidden"].contains(&code),
                    "round {round}: {status} {body}"
                );
            }
        }
        // Exactly one Settings holder is left; give the other Settings back.
        let (winner_path, winner_token, loser_path) = if a == StatusCode::OK {
            (&first_path, &s.admin.token, &second_path)
        } else {
            (&second_path, &second.token, &first_path)
        };
        let (_, winner) = s.get(winner_path, winner_token).await;
        assert_eq!(winner["direct_roles"], json!(["Settings"]), "round {round}");
        let (_, loser) = s.get(loser_path, winner_token).await;
        assert_eq!(
            loser["direct_roles"],
            json!(["Development"]),
            "round {round}"
        );
        let (status, body) = s
            .patch(
                loser_path,
                winner_token,
                version(&loser),
                json!({"roles": ["Settings"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "round {round}: {body}");
    }
}
