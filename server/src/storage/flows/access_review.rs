//! Access review: the users list filtered by role (and how it is held),
//! group and identity provider, and the export of every matching user in
//! batches read from one snapshot.

use users_api::{ListQuery, Page, UserFilter, UserStatus, UserSummary};

use crate::storage::shared_sql::{After, ReadTx, Selection};
use crate::storage::{Store, StoreResult};

/// Users the export reads per statement: large enough that a million rows
/// take a thousand round trips (1,000 read 8% faster than 500 on
/// PostgreSQL), small enough to hold a few in memory at once.
pub const EXPORT_BATCH: u32 = 1000;

/// A user as the export writes them: the summary and when their token was
/// last used.
pub struct ExportRow {
    pub user: UserSummary,
    pub token_last_used: Option<String>,
}

/// An export under way: a read snapshot (so the rows are exactly those
/// counted, whatever changes meanwhile) and where the next batch starts.
/// On PostgreSQL a second transaction shares the snapshot, so two batches'
/// rows are read at once (each user costs a few index probes, and one
/// backend process was the export's bottleneck).
pub struct Export {
    tx: ReadTx,
    beside: Option<ReadTx>,
    selection: Selection,
    after: Option<After>,
    /// How many users the export holds.
    pub total: u64,
}

impl Store {
    /// One page of the users a filtered list request names, with exact
    /// totals (the unfiltered list has its own plans, per backend).
    pub(crate) async fn list_filtered(
        &self,
        company_id: i64,
        q: &ListQuery,
    ) -> StoreResult<Page<UserSummary>> {
        let selection = Selection::of(company_id, q);
        let mut tx = self.begin_read().await?;
        let only_group = UserFilter {
            group: q.filter.group,
            ..UserFilter::default()
        };
        if let (Some(group_id), true, UserStatus::Active) =
            (q.filter.group, q.filter == only_group, q.status)
        {
            // The group's own members page: its member count and gram
            // counts give the exact total, its index range the page.
            let group = tx.load_group(company_id, group_id).await?;
            let (total, members) = tx
                .members_page(&group, &selection.needle, q.offset(), q.per_page)
                .await?;
            let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
            let entries = tx.summaries(&ids).await?;
            tx.commit().await?;
            return Ok(Page::new(entries, q.page, q.per_page, total));
        }
        let total = tx.filtered_count(&selection).await?;
        let rows = if total > q.offset() {
            tx.filtered_ids(&selection, None, (q.offset(), q.per_page))
                .await?
        } else {
            Vec::new() // Past the end (or nothing matches): no walk.
        };
        let ids: Vec<i64> = rows.into_iter().map(|(id, _, _)| id).collect();
        let entries = tx.summaries(&ids).await?;
        tx.commit().await?;
        Ok(Page::new(entries, q.page, q.per_page, total))
    }

    /// Starts exporting what `q` names (every page of it) and records the
    /// export in the audit log: who, the filters, how many rows.
    pub async fn begin_export(
        &self,
        company_id: i64,
        actor_id: i64,
        q: &ListQuery,
    ) -> StoreResult<Export> {
        let selection = Selection::of(company_id, q);
        let mut tx = self.begin_read().await?;
        let beside = self.begin_read_beside(&mut tx).await?;
        let total = tx.filtered_count(&selection).await?;
        let mut audit = self.begin_company_write(company_id).await?;
        let details = users_api::export::audit_details(q, total);
        audit
            .record(company_id, actor_id, "users.export", None, details)
            .await?;
        audit.commit().await?;
        Ok(Export {
            tx,
            beside,
            selection,
            after: None,
            total,
        })
    }
}

impl Export {
    /// The next users in list order (one batch, or two read at once when a
    /// second snapshot is open); empty once all are read.
    pub async fn next_batch(&mut self) -> StoreResult<Vec<ExportRow>> {
        let first = self.next_ids().await?;
        if first.is_empty() || self.beside.is_none() {
            return rows_of(&mut self.tx, first).await;
        }
        let second = self.next_ids().await?;
        let Export { tx, beside, .. } = self;
        let (mut rows, more) = match beside {
            Some(beside) => tokio::try_join!(rows_of(tx, first), rows_of(beside, second))?,
            None => (rows_of(tx, first).await?, Vec::new()),
        };
        rows.extend(more);
        Ok(rows)
    }

    /// The ids of the next batch, moving `after` past them.
    async fn next_ids(&mut self) -> StoreResult<Vec<i64>> {
        let rows = self
            .tx
            .filtered_ids(&self.selection, self.after.as_ref(), (0, EXPORT_BATCH))
            .await?;
        if let Some(last) = rows.last() {
            self.after = Some((last.1.clone(), last.2.clone(), last.0));
        }
        Ok(rows.into_iter().map(|(id, _, _)| id).collect())
    }

    /// Ends the snapshot.
    pub async fn finish(self) -> StoreResult<()> {
        if let Some(beside) = self.beside {
            beside.commit().await?;
        }
        self.tx.commit().await
    }
}

/// The export rows of `ids` (in list order), read in `tx`.
async fn rows_of(tx: &mut ReadTx, ids: Vec<i64>) -> StoreResult<Vec<ExportRow>> {
    let users = tx.export_summaries(&ids).await?;
    let mut last_used = tx.tokens_last_used(&ids).await?;
    Ok(users
        .into_iter()
        .map(|user| ExportRow {
            token_last_used: last_used.remove(&user.id),
            user,
        })
        .collect())
}
