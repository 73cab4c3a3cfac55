//! The users list on SQLite: the whole tab in one statement, a search
//! through this backend's plan (`list.rs`); and the pools the shared reads
//! (`storage::shared_sql`) run on.

use sqlx::SqlitePool;
use users_api::{ListQuery, Page, UserSummary};

use super::list::{plan_page, TAB_PAGE};
use super::summaries::load_summaries;
use super::SqliteStore;
use crate::storage::provenance::decode_summaries;
use crate::storage::StoreResult;

impl SqliteStore {
    /// One page of a company's users, alphabetical, with role provenance.
    pub async fn list_users(
        &self,
        company_id: i64,
        q: &ListQuery,
    ) -> StoreResult<Page<UserSummary>> {
        let (total, entries) = if q.query.is_empty() {
            // The whole tab: one statement (total, page, summaries).
            let (total, users, group_roles): (i64, String, String) =
                sqlx::query_as(TAB_PAGE.as_str())
                    .bind(company_id)
                    .bind(q.status.as_str())
                    .bind(i64::try_from(q.offset()).unwrap_or(i64::MAX))
                    .bind(i64::from(q.per_page))
                    .fetch_one(&self.read)
                    .await?;
            (
                u64::try_from(total).unwrap_or(0),
                decode_summaries(&users, &group_roles)?,
            )
        } else {
            let mut tx = self.begin_read().await?;
            let (total, ids) = plan_page(&mut tx, company_id, q).await?;
            let entries = load_summaries(&mut tx, &ids).await?;
            tx.commit().await?;
            (total, entries)
        };
        Ok(Page::new(entries, q.page, q.per_page, total))
    }

    /// The pool authentication's use stamp is written on.
    pub(in crate::storage) fn write_pool(&self) -> &SqlitePool {
        &self.write
    }

    /// The pool the reads run on (read-only connections).
    pub(in crate::storage) fn read_pool(&self) -> &SqlitePool {
        &self.read
    }
}
