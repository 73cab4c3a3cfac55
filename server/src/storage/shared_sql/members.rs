//! The statements about a group's members: [`Tx`]'s member pages and
//! [`WriteTx`]'s membership writes, each one copy of its SQL for both
//! backends. Member pages read the `group_members_list` index, whose copies
//! of each member's status, sort key and email key triggers keep current.

use users_api::{Group, GroupMember};

use super::groups::{find_fn, placeholders};
use super::{on_backend, Tx, WriteTx};
use crate::storage::window::Window;
use crate::storage::StoreResult;

/// A search expected to match at most this many of a group's members is
/// read in one pass (total and page together); a denser one is counted,
/// then its page is walked to (which stops early).
const SPARSE_MATCHES: u64 = 2_000;

/// A member as the members page reads it.
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    first_name: String,
    last_name: String,
    email: String,
}

impl MemberRow {
    fn member(self) -> GroupMember {
        GroupMember {
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
        }
    }
}

impl Tx {
    /// One page of a group's active members whose sort key or email key
    /// contains `needle` (folded; empty matches all), in the users list's
    /// order, and how many match (exactly). Every plan reads one range of
    /// the `group_members_list` index from its nearer end. The group's gram
    /// counts give the exact total of a search of up to three characters
    /// (so only the page is walked to), and bound a longer one: no match
    /// costs one lookup, a sparse one a single pass, a dense one a count
    /// and a short walk.
    pub(crate) async fn members_page(
        &mut self,
        group: &Group,
        needle: &str,
        offset: u64,
        per_page: u32,
    ) -> StoreResult<(u64, Vec<GroupMember>)> {
        let page = (offset, per_page);
        self.planned_members_page(group, needle, page, SPARSE_MATCHES)
            .await
    }

    /// [`Tx::members_page`] with the sparse plan's bound as a parameter (so
    /// the tests can force either plan).
    pub(crate) async fn planned_members_page(
        &mut self,
        group: &Group,
        needle: &str,
        (offset, per_page): (u64, u32),
        sparse_matches: u64,
    ) -> StoreResult<(u64, Vec<GroupMember>)> {
        let page = (offset, per_page);
        if crate::storage::grams::matches_nothing(needle) {
            return Ok((0, Vec::new()));
        }
        if needle.is_empty() {
            let total = group.member_count;
            let members = self.member_rows(group.id, "", total, page).await?;
            return Ok((total, members));
        }
        let short = needle.chars().count() <= 3;
        let whole = [needle];
        let grams: Vec<&str> = if short {
            whole.to_vec()
        } else {
            crate::storage::grams::trigrams(needle)
        };
        let rarest = self.rarest_member_gram(group.id, &grams).await?;
        if rarest == 0 {
            return Ok((0, Vec::new()));
        }
        let total = if short {
            // Up to three characters: the gram's count is the exact total.
            rarest
        } else if rarest <= sparse_matches {
            return self.sparse_members(group.id, needle, page).await;
        } else {
            self.count_members(group.id, needle).await?
        };
        let members = self.member_rows(group.id, needle, total, page).await?;
        Ok((total, members))
    }

    /// How many of the group's active members contain the rarest of
    /// `grams` (0 when one of them is in no member's texts).
    async fn rarest_member_gram(&mut self, group_id: i64, grams: &[&str]) -> StoreResult<u64> {
        let sql = format!(
            "SELECT COUNT(*), MIN(n) FROM group_gram_counts
             WHERE group_id = $1 AND n > 0 AND gram IN ({})",
            placeholders(2, grams.len())
        );
        let (present, rarest): (i64, Option<i64>) = on_backend!(Tx, &mut *self, |tx| {
            let mut query = sqlx::query_as(&sql).bind(group_id);
            for gram in grams {
                query = query.bind(*gram);
            }
            query.fetch_one(&mut **tx).await?
        });
        if usize::try_from(present).unwrap_or(0) < grams.len() {
            return Ok(0);
        }
        Ok(rarest.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
    }

    /// The filter on a group's active members containing `$2` (or all of
    /// them when `$2` is empty: the search's test left out, not evaluated
    /// per row).
    fn member_filter(&self, needle: &str) -> String {
        let find = find_fn(self);
        if needle.is_empty() {
            "gm.group_id = $1 AND gm.status = 'active' AND CAST($2 AS TEXT) = ''".to_string()
        } else {
            format!(
                "gm.group_id = $1 AND gm.status = 'active'
                 AND ({find}(gm.sort_key, $2) > 0 OR {find}(gm.email_key, $2) > 0)"
            )
        }
    }

    /// How many of the group's active members contain `needle`.
    async fn count_members(&mut self, group_id: i64, needle: &str) -> StoreResult<u64> {
        let sql = format!(
            "SELECT COUNT(*) FROM group_members gm WHERE {}",
            self.member_filter(needle)
        );
        let n: i64 = on_backend!(Tx, &mut *self, |tx| {
            sqlx::query_scalar(&sql)
                .bind(group_id)
                .bind(needle)
                .fetch_one(&mut **tx)
                .await?
        });
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// One page of the `total` matching members, walking the index from
    /// the nearer end (so the last pages cost what the first do).
    async fn member_rows(
        &mut self,
        group_id: i64,
        needle: &str,
        total: u64,
        (offset, per_page): (u64, u32),
    ) -> StoreResult<Vec<GroupMember>> {
        let Some(window) = Window::new(total, offset, u64::from(per_page)) else {
            return Ok(Vec::new());
        };
        let backwards = window.nearer_the_end(total);
        let (order, skip) = if backwards {
            ("DESC", window.offset_from_end(total))
        } else {
            ("", window.offset)
        };
        let sql = format!(
            "SELECT u.id, u.first_name, u.last_name, u.email
             FROM (SELECT gm.user_id, gm.sort_key, gm.email_key FROM group_members gm
                   WHERE {filter}
                   ORDER BY gm.sort_key {order}, gm.email_key {order}, gm.user_id {order}
                   LIMIT $3 OFFSET $4) p
             JOIN users u ON u.id = p.user_id
             ORDER BY p.sort_key, p.email_key, p.user_id",
            filter = self.member_filter(needle)
        );
        let rows: Vec<MemberRow> = on_backend!(Tx, &mut *self, |tx| {
            sqlx::query_as(&sql)
                .bind(group_id)
                .bind(needle)
                .bind(i64::try_from(window.rows).unwrap_or(i64::MAX))
                .bind(i64::try_from(skip).unwrap_or(i64::MAX))
                .fetch_all(&mut **tx)
                .await?
        });
        Ok(rows.into_iter().map(MemberRow::member).collect())
    }

    /// Total and page in one pass over the matches (for sparse searches):
    /// the page's rows, plus the first match's row, which carries the
    /// total when the page is past the end.
    async fn sparse_members(
        &mut self,
        group_id: i64,
        needle: &str,
        (offset, per_page): (u64, u32),
    ) -> StoreResult<(u64, Vec<GroupMember>)> {
        let sql = format!(
            "SELECT u.id, u.first_name, u.last_name, u.email, m.rn, m.total
             FROM (SELECT gm.user_id,
                          row_number() OVER (ORDER BY gm.sort_key, gm.email_key, gm.user_id) AS rn,
                          COUNT(*) OVER () AS total
                   FROM group_members gm WHERE {}) m
             JOIN users u ON u.id = m.user_id
             WHERE (m.rn > $3 AND m.rn <= $4) OR m.rn = 1
             ORDER BY m.rn",
            self.member_filter(needle)
        );
        let first = i64::try_from(offset).unwrap_or(i64::MAX);
        let last = first.saturating_add(i64::from(per_page));
        let rows: Vec<(i64, String, String, String, i64, i64)> =
            on_backend!(Tx, &mut *self, |tx| {
                sqlx::query_as(&sql)
                    .bind(group_id)
                    .bind(needle)
                    .bind(first)
                    .bind(last)
                    .fetch_all(&mut **tx)
                    .await?
            });
        let total = rows.first().map_or(0, |r| u64::try_from(r.5).unwrap_or(0));
        let members = rows
            .into_iter()
            .filter(|r| r.4 > first && r.4 <= last)
            .map(|(id, first_name, last_name, email, _, _)| GroupMember {
                id,
                first_name,
                last_name,
                email,
            })
            .collect();
        Ok((total, members))
    }
}

impl WriteTx {
    /// Of `ids`, those that are not active users of the company (ascending).
    pub(crate) async fn not_active_users(
        &mut self,
        company_id: i64,
        ids: &[i64],
    ) -> StoreResult<Vec<i64>> {
        self.ids_not_in(
            "SELECT id FROM users WHERE company_id = $1 AND status = 'active' AND id IN",
            company_id,
            ids,
        )
        .await
    }

    /// Makes a user a member; false when it already was.
    pub(crate) async fn insert_member(&mut self, group_id: i64, user_id: i64) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            let done = sqlx::query(
                "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Ends a membership; false when there was none.
    pub(crate) async fn delete_member(&mut self, group_id: i64, user_id: i64) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            let done =
                sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
                    .bind(group_id)
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// The ids of a user's groups (archived users keep theirs), ascending.
    pub(crate) async fn group_ids_of(&mut self, user_id: i64) -> StoreResult<Vec<i64>> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id",
            )
            .bind(user_id)
            .fetch_all(&mut **tx)
            .await?)
        })
    }
}

#[cfg(test)]
#[path = "members_tests.rs"]
mod tests;
