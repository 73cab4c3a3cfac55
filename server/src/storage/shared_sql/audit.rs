//! Reading and pruning the audit log at millions of rows.
//!
//! A page is newest first, cut by an id cursor (`before`), so paging stays
//! stable while rows arrive. Each filter has an index ending in `id`
//! (migrations: `audit_by_*`), so a page is one backwards range walk per
//! branch: several actions, or a user's activity (actor or target), are one
//! branch each, merged. `since`/`until` also become id bounds, found on
//! `audit_by_time`, so a walk stops where the time range does; the bounds
//! allow ids and times to disagree by up to [`CLOCK_SLACK_SECONDS`] (writers
//! on several instances), and the times themselves are still compared, so
//! the answer is exact.

use serde_json::{json, Value};
use users_api::audit::{format_utc, parse_rfc3339};
use users_api::{AuditEntry, AuditPage, AuditPerson, AuditQuery, GroupRef};

use super::{on_backend, Tx};
use crate::storage::{now, Store, StoreResult};

/// How far apart, in seconds, two audit rows' ids and times may disagree
/// (a later id with an earlier time): transactions in flight together, or
/// instances whose clocks differ.
const CLOCK_SLACK_SECONDS: i64 = 300;

/// Rows one pruning transaction deletes: short enough that writers wait
/// little for it.
const PRUNE_BATCH: i64 = 5_000;

/// A value bound to a statement.
enum Bind {
    Int(i64),
    Text(String),
}

/// A statement being written with its numbered parameters.
#[derive(Default)]
struct Sql {
    binds: Vec<Bind>,
}

impl Sql {
    /// Binds `value` and answers its placeholder (`$3`).
    fn param(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }
}

/// One row as read, names joined in.
#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    at: String,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    actor_email: Option<String>,
    action: String,
    target_user_id: Option<i64>,
    target_name: Option<String>,
    target_email: Option<String>,
    target_group_id: Option<i64>,
    group_name: Option<String>,
    details: String,
}

impl Row {
    fn into_entry(self) -> AuditEntry {
        let person = |id: Option<i64>, name: Option<String>, email: Option<String>| {
            id.map(|id| AuditPerson {
                id,
                name: name.unwrap_or_default(),
                email: email.unwrap_or_default(),
            })
        };
        let details: Value = serde_json::from_str(&self.details).unwrap_or(Value::Null);
        // A deleted group's name is kept in the entries that created or
        // deleted it.
        let group_name = self
            .group_name
            .or_else(|| details["group"]["name"].as_str().map(str::to_string));
        AuditEntry {
            id: self.id,
            at: self.at,
            actor: person(self.actor_id, self.actor_name, self.actor_email),
            action: self.action,
            target_user: person(self.target_user_id, self.target_name, self.target_email),
            target_group: self.target_group_id.map(|id| GroupRef {
                id,
                name: group_name.unwrap_or_else(|| "Deleted group".to_string()),
            }),
            details,
        }
    }
}

const ENTRY_SELECT: &str = "
    SELECT a.id, a.at, a.actor_id,
           ac.first_name || ' ' || ac.last_name AS actor_name, ac.email AS actor_email,
           a.action, a.target_user_id,
           tu.first_name || ' ' || tu.last_name AS target_name, tu.email AS target_email,
           a.target_group_id, g.name AS group_name, a.details
    FROM audit_log a
    LEFT JOIN users ac ON ac.id = a.actor_id
    LEFT JOIN users tu ON tu.id = a.target_user_id
    LEFT JOIN user_groups g ON g.id = a.target_group_id";

/// Who a page is about: the query's filters, or a user's activity.
pub(crate) enum AuditScope<'a> {
    Filtered(&'a AuditQuery),
    /// Entries where this user acted or was affected.
    Activity {
        user_id: i64,
        before: Option<i64>,
        per_page: u32,
    },
}

impl Tx {
    /// The id of the row nearest `at` on `audit_by_time`: the last one
    /// before it (`after = false`) or the first at or after it.
    async fn id_near(
        &mut self,
        company_id: i64,
        at: &str,
        after: bool,
    ) -> StoreResult<Option<i64>> {
        let sql = if after {
            "SELECT id FROM audit_log WHERE company_id = $1 AND at >= $2 ORDER BY at, id LIMIT 1"
        } else {
            "SELECT id FROM audit_log WHERE company_id = $1 AND at < $2
             ORDER BY at DESC, id DESC LIMIT 1"
        };
        Ok(on_backend!(Tx, &mut *self, |tx| {
            sqlx::query_scalar(sql)
                .bind(company_id)
                .bind(at)
                .fetch_optional(&mut **tx)
                .await?
        }))
    }

    /// One page of the company's log for `scope`, newest first.
    pub(crate) async fn audit_entries(
        &mut self,
        company_id: i64,
        scope: &AuditScope<'_>,
    ) -> StoreResult<AuditPage> {
        let mut sql = Sql::default();
        let company = sql.param(Bind::Int(company_id));
        let mut common = vec![format!("company_id = {company}")];
        let (before, per_page, branches): (Option<i64>, u32, Vec<String>) = match scope {
            AuditScope::Filtered(q) => {
                let f = &q.filter;
                for (column, value) in [
                    ("actor_id", f.actor),
                    ("target_user_id", f.target),
                    ("target_group_id", f.group),
                ] {
                    if let Some(v) = value {
                        common.push(format!("{column} = {}", sql.param(Bind::Int(v))));
                    }
                }
                let shifted = |t: &str, by: i64| parse_rfc3339(t).map(|s| format_utc(s + by));
                // The times are compared as expressions (`at || ''`), which
                // no index serves: each walk goes down its filter's index by
                // id and stops at the id bounds below, instead of reading a
                // whole time range off `audit_by_time` and sorting it.
                if let Some(since) = &f.since {
                    common.push(format!(
                        "at || '' >= {}",
                        sql.param(Bind::Text(since.clone()))
                    ));
                    if let Some(edge) = shifted(since, -CLOCK_SLACK_SECONDS) {
                        if let Some(lo) = self.id_near(company_id, &edge, false).await? {
                            common.push(format!("id > {}", sql.param(Bind::Int(lo))));
                        }
                    }
                }
                if let Some(until) = &f.until {
                    common.push(format!(
                        "at || '' < {}",
                        sql.param(Bind::Text(until.clone()))
                    ));
                    if let Some(edge) = shifted(until, CLOCK_SLACK_SECONDS) {
                        if let Some(hi) = self.id_near(company_id, &edge, true).await? {
                            common.push(format!("id < {}", sql.param(Bind::Int(hi))));
                        }
                    }
                }
                // One branch per action and per side of `user` (actor or
                // target): each walks one index.
                let actions: Vec<String> = if f.actions.is_empty() {
                    vec![String::new()]
                } else {
                    f.actions
                        .iter()
                        .map(|a| format!(" AND action = {}", sql.param(Bind::Text(a.clone()))))
                        .collect()
                };
                let sides: Vec<String> = match f.user {
                    None => vec![String::new()],
                    Some(user) => {
                        let user = sql.param(Bind::Int(user));
                        vec![
                            format!(" AND actor_id = {user}"),
                            format!(" AND target_user_id = {user}"),
                        ]
                    }
                };
                let branches = actions
                    .iter()
                    .flat_map(|a| sides.iter().map(move |side| format!("{a}{side}")))
                    .collect();
                (q.before, q.per_page, branches)
            }
            AuditScope::Activity {
                user_id,
                before,
                per_page,
            } => {
                let user = sql.param(Bind::Int(*user_id));
                let branches = vec![
                    format!(" AND actor_id = {user}"),
                    format!(" AND target_user_id = {user}"),
                ];
                (*before, *per_page, branches)
            }
        };
        if let Some(before) = before {
            common.push(format!("id < {}", sql.param(Bind::Int(before))));
        }
        // One more than a page: whether there is a next one.
        let limit = sql.param(Bind::Int(i64::from(per_page) + 1));
        let common = common.join(" AND ");
        let union = branches
            .iter()
            .enumerate()
            .map(|(i, extra)| {
                format!(
                    "SELECT id FROM (SELECT id FROM audit_log WHERE {common}{extra}
                                     ORDER BY id DESC LIMIT {limit}) b{i}"
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ");
        let statement =
            format!("{ENTRY_SELECT} WHERE a.id IN ({union}) ORDER BY a.id DESC LIMIT {limit}");
        let mut rows: Vec<Row> = on_backend!(Tx, &mut *self, |tx| {
            let mut query = sqlx::query_as(&statement);
            for bind in &sql.binds {
                query = match bind {
                    Bind::Int(v) => query.bind(*v),
                    Bind::Text(v) => query.bind(v.clone()),
                };
            }
            query.fetch_all(&mut **tx).await?
        });
        let more = rows.len() > per_page as usize;
        rows.truncate(per_page as usize);
        let next = more
            .then(|| rows.last().map(|r| r.id.to_string()))
            .flatten();
        Ok(AuditPage {
            entries: rows.into_iter().map(Row::into_entry).collect(),
            next,
        })
    }
}

/// What `prune-audit` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    /// Entries deleted, per company id.
    pub per_company: Vec<(i64, u64)>,
}

impl Store {
    /// One page of the company's audit log (filters and cursor).
    pub async fn audit_log(&self, company_id: i64, query: &AuditQuery) -> StoreResult<AuditPage> {
        let mut tx = self.begin_read().await?;
        let page = tx
            .audit_entries(company_id, &AuditScope::Filtered(query))
            .await?;
        tx.commit().await?;
        Ok(page)
    }

    /// The newest entries where `user_id` acted or was affected.
    pub async fn user_activity(
        &self,
        company_id: i64,
        user_id: i64,
        before: Option<i64>,
        per_page: u32,
    ) -> StoreResult<AuditPage> {
        let mut tx = self.begin_read().await?;
        let scope = AuditScope::Activity {
            user_id,
            before,
            per_page,
        };
        let page = tx.audit_entries(company_id, &scope).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// Deletes every company's entries older than `before` (stored form),
    /// [`PRUNE_BATCH`] rows per short transaction so writers are not held
    /// up, then audits the pruning in each company it touched
    /// (`audit.prune`, no actor: the operator's command).
    pub async fn prune_audit(&self, before: &str) -> StoreResult<Pruned> {
        let mut per_company: Vec<(i64, u64)> = Vec::new();
        loop {
            // Not a company's lock: the users' writers never wait on it.
            let mut tx = self.begin_catalogue_write().await?;
            let batch: Vec<(i64, i64)> = on_backend!(Tx, &mut *tx, |tx| {
                sqlx::query_as(
                    "SELECT id, company_id FROM audit_log WHERE at < $1 AND action <> 'audit.prune'
                     ORDER BY id LIMIT $2",
                )
                .bind(before)
                .bind(PRUNE_BATCH)
                .fetch_all(&mut **tx)
                .await?
            });
            let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
                tx.commit().await?;
                break;
            };
            let (lo, hi) = (first.0, last.0);
            on_backend!(Tx, &mut *tx, |tx| {
                sqlx::query(
                    "DELETE FROM audit_log WHERE id >= $1 AND id <= $2 AND at < $3
                     AND action <> 'audit.prune'",
                )
                .bind(lo)
                .bind(hi)
                .bind(before)
                .execute(&mut **tx)
                .await?;
            });
            tx.commit().await?;
            for (_, company) in &batch {
                match per_company.iter_mut().find(|(c, _)| c == company) {
                    Some((_, n)) => *n += 1,
                    None => per_company.push((*company, 1)),
                }
            }
        }
        for (company, deleted) in &per_company {
            let mut tx = self.begin_company_write(*company).await?;
            let details = json!({ "before": before, "deleted": deleted, "at": now() });
            tx.record_operator(*company, "audit.prune", details).await?;
            tx.commit().await?;
        }
        Ok(Pruned { per_company })
    }
}
