//! The bulk loader's share of the effective roles: what the role-holder
//! triggers (set aside while `seed-demo` loads) would have written for the
//! users it added — `role_holders`, `role_counts` and `role_gram_counts` —
//! one copy of the SQL for both backends.

use std::collections::HashMap;

use super::groups::placeholders;
use super::{on_backend, Tx};
use crate::storage::grams::user_grams;
use crate::storage::model::DemoPlan;
use crate::storage::StoreResult;

/// Gram-count rows per INSERT (5 parameters each).
const CHUNK: usize = 400;

/// The sources a holder counts under, as `role_sources` names them.
const SOURCES: [&str; 3] = ["any", "direct", "group"];

impl Tx {
    /// Fills the effective roles of the users from `first_id` on (the ones
    /// `plan` describes, in order) from their assignments and memberships.
    pub(crate) async fn fill_role_holders(
        &mut self,
        first_id: i64,
        plan: &DemoPlan,
    ) -> StoreResult<()> {
        let holders: Vec<(i64, i64, i64, i64, i64)> = on_backend!(Tx, &mut *self, |tx| {
            sqlx::query(
                "INSERT INTO role_holders
                     (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
                 SELECT u.id, h.role_id, u.company_id, MAX(h.direct), SUM(h.via),
                        u.status, u.sort_key, u.email_key
                 FROM (SELECT user_id, role_id, 1 AS direct, 0 AS via FROM user_roles
                       WHERE user_id >= $1
                       UNION ALL
                       SELECT gm.user_id, gr.role_id, 0, 1 FROM group_members gm
                       JOIN group_roles gr ON gr.group_id = gm.group_id
                       WHERE gm.user_id >= $1) h
                 JOIN users u ON u.id = h.user_id
                 GROUP BY u.id, h.role_id, u.company_id, u.status, u.sort_key, u.email_key",
            )
            .bind(first_id)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO role_counts AS c (company_id, role_id, status, source, n)
                 SELECT h.company_id, h.role_id, h.status, s.source, COUNT(*)
                 FROM role_holders h JOIN role_sources s
                   ON s.source = 'any' OR (s.source = 'direct' AND h.direct = 1)
                   OR (s.source = 'group' AND h.via_groups > 0)
                 WHERE h.user_id >= $1
                 GROUP BY h.company_id, h.role_id, h.status, s.source
                 ON CONFLICT (company_id, role_id, status, source) DO UPDATE SET n = c.n + excluded.n",
            )
            .bind(first_id)
            .execute(&mut **tx)
            .await?;
            sqlx::query_as(
                "SELECT user_id, company_id, role_id, CAST(direct AS BIGINT), CAST(via_groups AS BIGINT)
                 FROM role_holders
                 WHERE user_id >= $1 AND status = 'active'",
            )
            .bind(first_id)
            .fetch_all(&mut **tx)
            .await?
        });
        let rows: Vec<_> = holder_grams(first_id, plan, &holders)
            .into_iter()
            .flat_map(|((company, role, source), grams)| {
                grams
                    .into_iter()
                    .map(move |(gram, n)| ((company, role, source, gram), n))
            })
            .collect();
        for chunk in rows.chunks(CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("({})", placeholders(i * 5 + 1, 5)))
                .collect();
            let text = format!(
                "INSERT INTO role_gram_counts AS c (company_id, role_id, source, gram, n)
                 VALUES {}
                 ON CONFLICT (company_id, role_id, source, gram) DO UPDATE SET n = c.n + excluded.n",
                values.join(", ")
            );
            on_backend!(Tx, &mut *self, |tx| {
                let mut query = sqlx::query(&text);
                for ((company_id, role_id, source, gram), n) in chunk {
                    query = query
                        .bind(*company_id)
                        .bind(*role_id)
                        .bind(*source)
                        .bind(gram.as_str())
                        .bind(*n);
                }
                query.execute(&mut **tx).await?;
            });
        }
        Ok(())
    }
}

/// (company, role, source) → gram → active holders containing the gram,
/// from the active holder rows `(user, company, role, direct, via_groups)`
/// of the plan's users (user `first_id + i` is `plan.users[i]`).
fn holder_grams(
    first_id: i64,
    plan: &DemoPlan,
    holders: &[(i64, i64, i64, i64, i64)],
) -> HashMap<(i64, i64, &'static str), HashMap<String, i64>> {
    let mut counts: HashMap<(i64, i64, &'static str), HashMap<String, i64>> = HashMap::new();
    let mut by_user: HashMap<i64, Vec<(i64, i64, i64, i64)>> = HashMap::new();
    for &(user, company, role, direct, via) in holders {
        by_user
            .entry(user)
            .or_default()
            .push((company, role, direct, via));
    }
    for (user, held) in by_user {
        let Some(u) = usize::try_from(user - first_id)
            .ok()
            .and_then(|i| plan.users.get(i))
        else {
            continue;
        };
        let names = users_api::identity::name_key(&u.first_name, &u.last_name);
        let email = users_api::identity::email_key(&u.email);
        let grams = user_grams(&names, &email);
        for (company, role, direct, via) in held {
            let sources = SOURCES.into_iter().filter(|s| match *s {
                "direct" => direct == 1,
                "group" => via > 0,
                _ => true,
            });
            for source in sources {
                let tab = counts.entry((company, role, source)).or_default();
                for gram in &grams {
                    match tab.get_mut(*gram) {
                        Some(n) => *n += 1,
                        None => {
                            tab.insert((*gram).to_string(), 1);
                        }
                    }
                }
            }
        }
    }
    counts
}
