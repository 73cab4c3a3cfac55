//! The statements about groups, their roles and their members: [`Tx`]'s
//! reads (a group, a page of groups or of members, what a deletion costs)
//! and [`WriteTx`]'s writes, each one copy of its SQL for both backends.
//! Member pages read the `group_members_list` index, whose copies of each
//! member's status, sort key and email key triggers keep current.

use std::collections::HashMap;

use sqlx::Row;
use users_api::{Group, GroupMember, RoleLoss};

use super::{on_backend, Tx, WriteTx};
use crate::storage::window::Window;
use crate::storage::{StoreError, StoreResult};

/// The function that finds a substring (`position(needle, text) > 0`):
/// SQLite's `instr`, PostgreSQL's `strpos`, both (haystack, needle).
fn find_fn(tx: &Tx) -> &'static str {
    match tx {
        Tx::Sqlite(_) => "instr",
        Tx::Postgres(_) => "strpos",
    }
}

/// A search expected to match at most this many of a group's members is
/// read in one pass (total and page together); a denser one is counted,
/// then its page is walked to (which stops early).
const SPARSE_MATCHES: u64 = 2_000;

/// `$2, $3, …` for `n` ids bound after `first - 1` other parameters.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const GROUP_COLUMNS: &str =
    "g.id, g.name, g.description, g.member_count, g.version, g.created_at, g.updated_at";

/// Reads a [`Group`] from a row of [`GROUP_COLUMNS`] on either backend.
trait GroupRow {
    fn group(&self, roles: Vec<String>) -> Group;
}

macro_rules! group_row {
    ($row:ty) => {
        impl GroupRow for $row {
            fn group(&self, roles: Vec<String>) -> Group {
                Group {
                    id: self.get(0),
                    name: self.get(1),
                    description: self.get(2),
                    roles,
                    member_count: u64::try_from(self.get::<i64, _>(3)).unwrap_or(0),
                    version: self.get(4),
                    created_at: self.get(5),
                    updated_at: self.get(6),
                }
            }
        }
    };
}
group_row!(sqlx::sqlite::SqliteRow);
group_row!(sqlx::postgres::PgRow);

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
    /// One group of the company.
    pub(crate) async fn load_group(
        &mut self,
        company_id: i64,
        group_id: i64,
    ) -> StoreResult<Group> {
        let (row, roles) = on_backend!(Tx, &mut *self, |tx| {
            let row = sqlx::query(&format!(
                "SELECT {GROUP_COLUMNS} FROM user_groups g WHERE g.id = $1 AND g.company_id = $2"
            ))
            .bind(group_id)
            .bind(company_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let roles: Vec<String> = sqlx::query_scalar(
                "SELECT r.name FROM group_roles gr JOIN roles r ON r.id = gr.role_id
                 WHERE gr.group_id = $1 ORDER BY r.position",
            )
            .bind(group_id)
            .fetch_all(&mut **tx)
            .await?;
            (row.group(Vec::new()), roles)
        });
        Ok(Group { roles, ..row })
    }

    /// One page of the company's groups whose folded name contains
    /// `needle`, alphabetical (folded name, then id), and how many match.
    pub(crate) async fn groups_page(
        &mut self,
        company_id: i64,
        needle: &str,
        offset: u64,
        per_page: u32,
    ) -> StoreResult<(u64, Vec<Group>)> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let filter = format!(
            "g.company_id = $1 AND ($2 = '' OR {}(g.name_key, $2) > 0)",
            find_fn(self)
        );
        on_backend!(Tx, &mut *self, |tx| {
            let total: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM user_groups g WHERE {filter}"
            ))
            .bind(company_id)
            .bind(needle)
            .fetch_one(&mut **tx)
            .await?;
            let rows = sqlx::query(&format!(
                "SELECT {GROUP_COLUMNS} FROM user_groups g WHERE {filter}
                 ORDER BY g.name_key, g.id LIMIT $3 OFFSET $4"
            ))
            .bind(company_id)
            .bind(needle)
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(&mut **tx)
            .await?;
            let role_rows = sqlx::query(&format!(
                "SELECT gr.group_id, r.name FROM group_roles gr JOIN roles r ON r.id = gr.role_id
                 WHERE gr.group_id IN (SELECT g.id FROM user_groups g WHERE {filter}
                                       ORDER BY g.name_key, g.id LIMIT $3 OFFSET $4)
                 ORDER BY gr.group_id, r.position"
            ))
            .bind(company_id)
            .bind(needle)
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(&mut **tx)
            .await?;
            let mut roles: HashMap<i64, Vec<String>> = HashMap::new();
            for row in role_rows {
                roles.entry(row.get(0)).or_default().push(row.get(1));
            }
            let groups = rows
                .iter()
                .map(|row| {
                    let id: i64 = row.get(0);
                    row.group(roles.remove(&id).unwrap_or_default())
                })
                .collect();
            Ok((u64::try_from(total).unwrap_or(0), groups))
        })
    }

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

    /// For each of the group's roles (catalogue order), how many active
    /// members have it from no other source; roles nobody loses left out.
    pub(crate) async fn role_losses(&mut self, group_id: i64) -> StoreResult<Vec<RoleLoss>> {
        on_backend!(Tx, &mut *self, |tx| {
            let rows = sqlx::query(
                "SELECT r.name, COUNT(*) FROM group_roles gr
                 JOIN roles r ON r.id = gr.role_id
                 JOIN group_members gm ON gm.group_id = gr.group_id AND gm.status = 'active'
                 WHERE gr.group_id = $1
                   AND NOT EXISTS (SELECT 1 FROM user_roles ur
                                   WHERE ur.user_id = gm.user_id AND ur.role_id = gr.role_id)
                   AND NOT EXISTS (SELECT 1 FROM group_members other
                                   JOIN group_roles ogr ON ogr.group_id = other.group_id
                                   WHERE other.user_id = gm.user_id AND other.group_id <> $1
                                     AND ogr.role_id = gr.role_id)
                 GROUP BY r.name, r.position ORDER BY r.position",
            )
            .bind(group_id)
            .fetch_all(&mut **tx)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| RoleLoss {
                    role: r.get(0),
                    members: u64::try_from(r.get::<i64, _>(1)).unwrap_or(0),
                })
                .collect())
        })
    }
}

impl WriteTx {
    /// Whether another group of the company has the folded name.
    pub(crate) async fn group_name_taken(
        &mut self,
        company_id: i64,
        name_key: &str,
        except: i64,
    ) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM user_groups
                                WHERE company_id = $1 AND name_key = $2 AND id <> $3)",
            )
            .bind(company_id)
            .bind(name_key)
            .bind(except)
            .fetch_one(&mut **tx)
            .await?)
        })
    }

    /// Of `ids`, those that are not active users of the company (ascending).
    pub(crate) async fn not_active_users(
        &mut self,
        company_id: i64,
        ids: &[i64],
    ) -> StoreResult<Vec<i64>> {
        let sql = format!(
            "SELECT id FROM users WHERE company_id = $1 AND status = 'active' AND id IN ({})",
            placeholders(2, ids.len())
        );
        let found: Vec<i64> = on_backend!(Tx, &mut self.0, |tx| {
            let mut query = sqlx::query_scalar(&sql).bind(company_id);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(&mut **tx).await?
        });
        Ok(ids
            .iter()
            .copied()
            .filter(|id| !found.contains(id))
            .collect())
    }

    /// Of `ids`, those that are not groups of the company (ascending).
    pub(crate) async fn not_groups(
        &mut self,
        company_id: i64,
        ids: &[i64],
    ) -> StoreResult<Vec<i64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id FROM user_groups WHERE company_id = $1 AND id IN ({})",
            placeholders(2, ids.len())
        );
        let found: Vec<i64> = on_backend!(Tx, &mut self.0, |tx| {
            let mut query = sqlx::query_scalar(&sql).bind(company_id);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(&mut **tx).await?
        });
        Ok(ids
            .iter()
            .copied()
            .filter(|id| !found.contains(id))
            .collect())
    }

    /// Inserts a group (version 1, no roles, no members); returns its id.
    pub(crate) async fn insert_group(
        &mut self,
        company_id: i64,
        name: &str,
        description: &str,
        at: &str,
    ) -> StoreResult<i64> {
        let key = users_api::identity::fold(name);
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "INSERT INTO user_groups (company_id, name, name_key, description, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(company_id)
            .bind(name)
            .bind(key)
            .bind(description)
            .bind(at)
            .fetch_one(&mut **tx)
            .await?)
        })
    }

    /// Renames and re-describes a group; new version.
    pub(crate) async fn update_group_row(
        &mut self,
        group_id: i64,
        name: &str,
        description: &str,
        at: &str,
    ) -> StoreResult<()> {
        let key = users_api::identity::fold(name);
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query(
                "UPDATE user_groups SET name = $2, name_key = $3, description = $4,
                        version = version + 1, updated_at = $5 WHERE id = $1",
            )
            .bind(group_id)
            .bind(name)
            .bind(key)
            .bind(description)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
    }

    /// Replaces a group's roles (catalogue names): one statement for the
    /// group however many members it has (their roles are derived on read).
    pub(crate) async fn set_group_roles(
        &mut self,
        group_id: i64,
        roles: &[String],
    ) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO group_roles (group_id, role_id)
             SELECT $1, id FROM roles WHERE name IN ({})",
            placeholders(2, roles.len())
        );
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query("DELETE FROM group_roles WHERE group_id = $1")
                .bind(group_id)
                .execute(&mut **tx)
                .await?;
            if !roles.is_empty() {
                let mut query = sqlx::query(&sql).bind(group_id);
                for role in roles {
                    query = query.bind(role);
                }
                query.execute(&mut **tx).await?;
            }
            Ok(())
        })
    }

    /// Deletes a group with its roles and memberships.
    pub(crate) async fn delete_group_rows(&mut self, group_id: i64) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            for sql in [
                // Flagged first, so its memberships go without moving its
                // gram counts one by one; those go next, all at once.
                "UPDATE user_groups SET deleting = TRUE WHERE id = $1",
                "DELETE FROM group_gram_counts WHERE group_id = $1",
                "DELETE FROM group_members WHERE group_id = $1",
                "DELETE FROM group_roles WHERE group_id = $1",
                "DELETE FROM user_groups WHERE id = $1",
            ] {
                sqlx::query(sql).bind(group_id).execute(&mut **tx).await?;
            }
            Ok(())
        })
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
#[path = "groups_tests.rs"]
mod tests;
