//! The audit log: rows are only ever inserted, inside the transaction of the
//! change they describe, and read newest first.

use serde_json::Value;
use sqlx::SqliteConnection;
use users_api::{AuditEntry, Page};

use super::SqliteStore;
use crate::storage::model::{audit_page, AuditRow};
use crate::storage::{now, StoreResult};

/// Appends one audit row on the caller's transaction.
pub(super) async fn record(
    conn: &mut SqliteConnection,
    company_id: i64,
    actor_id: i64,
    action: &str,
    target_user_id: Option<i64>,
    details: Value,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (company_id, at, actor_id, action, target_user_id, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(company_id)
    .bind(now())
    .bind(actor_id)
    .bind(action)
    .bind(target_user_id)
    .bind(details.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl SqliteStore {
    /// One page of the company's audit log, newest first, optionally only
    /// the entries about one user (`target_user_id`).
    pub async fn audit_log(
        &self,
        company_id: i64,
        target_user_id: Option<i64>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<AuditEntry>> {
        // Two shapes of the filter, so each can use its own index.
        let filter = if target_user_id.is_some() {
            "a.company_id = ?1 AND a.target_user_id = ?2"
        } else {
            "a.company_id = ?1"
        };
        let mut tx = self.begin_read().await?;
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_log a WHERE {filter}"))
                .bind(company_id)
                .bind(target_user_id)
                .fetch_one(&mut *tx)
                .await?;
        let total = u64::try_from(total).unwrap_or(0);
        let offset = u64::from(page - 1) * u64::from(per_page);
        let rows = if offset >= total {
            Vec::new()
        } else {
            sqlx::query_as::<_, AuditRow>(&format!(
                "SELECT a.id, a.at, a.actor_id, ac.first_name || ' ' || ac.last_name, a.action,
                        a.target_user_id, tu.first_name || ' ' || tu.last_name, a.details
                 FROM audit_log a
                 JOIN users ac ON ac.id = a.actor_id
                 LEFT JOIN users tu ON tu.id = a.target_user_id
                 WHERE {filter}
                 ORDER BY a.id DESC LIMIT ?3 OFFSET ?4"
            ))
            .bind(company_id)
            .bind(target_user_id)
            .bind(i64::from(per_page))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&mut *tx)
            .await?
        };
        tx.commit().await?;
        Ok(audit_page(rows, page, per_page, total))
    }
}
