//! The one-time migration of stored identity text to the canonical forms of
//! `users_api::identity`: names and emails in NFC, sort keys and email keys
//! folded. It runs at start until the `identity_keys` setting records it,
//! inside one write transaction, on both backends.
//!
//! Only rows that can change are read: those with text outside printable
//! ASCII or an IDN (`xn--`) domain; for every other row the new keys equal
//! the old lower-cased ones. When two users' addresses turn out to be the
//! same address, nobody is merged: the user who already holds the key (else
//! the older one) gets it, the other keeps its old key and the pair is
//! recorded in `identity_key_collisions` and logged, for an administrator
//! to resolve by changing one of the addresses.

use std::collections::{HashMap, HashSet};

use users_api::identity;

/// The setting that records the migration as done.
pub(crate) const DONE_SETTING: &str = "identity_keys";

/// A stored user whose identity text may not be canonical yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct StoredIdentity {
    pub(crate) id: i64,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) email: String,
    pub(crate) email_key: String,
    pub(crate) sort_key: String,
}

/// A row's canonical text, to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rekeyed {
    pub(crate) id: i64,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) email: String,
    pub(crate) email_key: String,
    pub(crate) sort_key: String,
}

/// Two users whose addresses are one address: `user_id` kept its old key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Collision {
    pub(crate) user_id: i64,
    pub(crate) other_user_id: i64,
    pub(crate) email_key: String,
}

/// What the migration writes.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct RekeyPlan {
    pub(crate) updates: Vec<Rekeyed>,
    pub(crate) collisions: Vec<Collision>,
}

/// Plans the migration of `rows` (the candidates). `holder` answers which
/// user outside the candidates holds a key today, if any.
pub(crate) fn plan(rows: &[StoredIdentity], holder: &HashMap<String, i64>) -> RekeyPlan {
    let mut rows: Vec<&StoredIdentity> = rows.iter().collect();
    // Who wins a key: a row whose key does not change, then the older row.
    rows.sort_by_key(|r| (identity::email_key(&r.email) != r.email_key, r.id));
    let candidates: HashSet<i64> = rows.iter().map(|r| r.id).collect();
    let mut owner: HashMap<String, i64> = holder
        .iter()
        .filter(|(_, id)| !candidates.contains(id))
        .map(|(key, id)| (key.clone(), *id))
        .collect();
    let mut plan = RekeyPlan::default();
    let mut losers = Vec::new();
    for row in rows {
        let key = identity::email_key(&row.email);
        match owner.get(&key) {
            Some(&other) => {
                plan.collisions.push(Collision {
                    user_id: row.id,
                    other_user_id: other,
                    email_key: key,
                });
                losers.push(row);
            }
            None => {
                owner.insert(key.clone(), row.id);
                push_if_changed(&mut plan, row, key);
            }
        }
    }
    // A loser keeps its old key unless a winner took it (possible only for
    // text no fold maps back onto itself); then a key no address can have.
    for row in losers {
        let key = if owner.contains_key(&row.email_key) {
            format!("{}\u{1}{}", row.email_key, row.id)
        } else {
            row.email_key.clone()
        };
        owner.insert(key.clone(), row.id);
        push_if_changed(&mut plan, row, key);
    }
    plan
}

fn push_if_changed(plan: &mut RekeyPlan, row: &StoredIdentity, email_key: String) {
    let first_name = identity::nfc(&row.first_name);
    let last_name = identity::nfc(&row.last_name);
    let rekeyed = Rekeyed {
        id: row.id,
        sort_key: identity::name_key(&first_name, &last_name),
        email: identity::nfc(&row.email),
        first_name,
        last_name,
        email_key,
    };
    let unchanged = rekeyed.first_name == row.first_name
        && rekeyed.last_name == row.last_name
        && rekeyed.email == row.email
        && rekeyed.email_key == row.email_key
        && rekeyed.sort_key == row.sort_key;
    if !unchanged {
        plan.updates.push(rekeyed);
    }
}

/// Logs what the migration did: a line for the rewritten rows, a warning
/// per collision (user ids only: the addresses are personal data).
pub(crate) fn report(done: &RekeyPlan) {
    if !done.updates.is_empty() {
        tracing::info!(
            rows = done.updates.len(),
            "identity text rewritten to canonical keys"
        );
    }
    for c in &done.collisions {
        tracing::warn!(
            user_id = c.user_id,
            other_user_id = c.other_user_id,
            "two users have the same email address once case, Unicode and IDN forms are folded; \
             the first keeps its old key (see identity_key_collisions) until one address is changed"
        );
    }
}

/// The temporary key a changing row holds between the two update passes,
/// so no intermediate state breaks the unique index on `email_key`.
pub(crate) fn parking_key(id: i64) -> String {
    format!("\u{1}{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: i64, first: &str, email: &str) -> StoredIdentity {
        StoredIdentity {
            id,
            first_name: first.to_string(),
            last_name: "Doe".to_string(),
            email: email.to_string(),
            email_key: email.to_lowercase(),
            sort_key: format!("{first} doe").to_lowercase(),
        }
    }

    #[test]
    fn canonical_rows_are_left_alone() {
        let rows = [
            stored(1, "Ada", "ada@example.com"),
            stored(2, "Zoé", "zoe@exämple.com"),
        ];
        assert_eq!(plan(&rows, &HashMap::new()), RekeyPlan::default());
    }

    #[test]
    fn decomposed_names_and_idn_domains_are_rewritten() {
        let rows = [stored(7, "Zoe\u{301}", "Idn@XN--exmple-cua.com")];
        let planned = plan(&rows, &HashMap::new());
        assert!(planned.collisions.is_empty());
        assert_eq!(
            planned.updates,
            vec![Rekeyed {
                id: 7,
                first_name: "Zo\u{E9}".into(),
                last_name: "Doe".into(),
                email: "Idn@XN--exmple-cua.com".into(),
                email_key: "idn@ex\u{E4}mple.com".into(),
                sort_key: "zo\u{E9} doe".into(),
            }]
        );
    }

    #[test]
    fn a_look_alike_of_an_existing_address_keeps_its_key_and_is_reported() {
        // "ｃａｓｅ@example.com" (fullwidth) beside an ASCII holder.
        let rows = [stored(
            9,
            "Casey",
            "\u{FF43}\u{FF41}\u{FF53}\u{FF45}@example.com",
        )];
        let holder = HashMap::from([("case@example.com".to_string(), 3)]);
        let planned = plan(&rows, &holder);
        assert!(planned.updates.is_empty());
        assert_eq!(
            planned.collisions,
            vec![Collision {
                user_id: 9,
                other_user_id: 3,
                email_key: "case@example.com".into()
            }]
        );
    }

    #[test]
    fn between_two_candidates_the_older_wins() {
        let rows = [
            stored(12, "B", "idn@xn--exmple-cua.com"),
            stored(11, "A", "IDN@EXA\u{308}MPLE.com"),
        ];
        let planned = plan(&rows, &HashMap::new());
        assert_eq!(planned.collisions.len(), 1);
        assert_eq!(planned.collisions[0].user_id, 12);
        assert_eq!(planned.collisions[0].other_user_id, 11);
        let keys: Vec<_> = planned
            .updates
            .iter()
            .map(|u| (u.id, u.email_key.as_str()))
            .collect();
        assert_eq!(keys, vec![(11, "idn@ex\u{E4}mple.com")]);
    }
}
