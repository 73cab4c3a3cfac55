//! The statements about groups and their roles: [`Tx`]'s reads (a group, a
//! page of groups, what a deletion costs) and [`WriteTx`]'s writes, each
//! one copy of its SQL for both backends. Members are in `members.rs`.

use std::collections::HashMap;

use sqlx::Row;
use users_api::{Group, RoleLoss};

use super::{on_backend, Tx, WriteTx};
use crate::storage::{StoreError, StoreResult};

/// The function that finds a substring (`position(needle, text) > 0`):
/// SQLite's `instr`, PostgreSQL's `strpos`, both (haystack, needle).
pub(super) fn find_fn(tx: &Tx) -> &'static str {
    match tx {
        Tx::Sqlite(_) => "instr",
        Tx::Postgres(_) => "strpos",
    }
}

/// `$2, $3, …` for `n` ids bound after `first - 1` other parameters.
pub(super) fn placeholders(first: usize, n: usize) -> String {
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

    /// Of `ids`, those that are not groups of the company (ascending).
    pub(crate) async fn not_groups(
        &mut self,
        company_id: i64,
        ids: &[i64],
    ) -> StoreResult<Vec<i64>> {
        self.ids_not_in(
            "SELECT id FROM user_groups WHERE company_id = $1 AND id IN",
            company_id,
            ids,
        )
        .await
    }

    /// Of `ids`, those `select` (a statement ending in `IN`, the company
    /// as `$1`) does not find, ascending as given.
    pub(super) async fn ids_not_in(
        &mut self,
        select: &str,
        company_id: i64,
        ids: &[i64],
    ) -> StoreResult<Vec<i64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("{select} ({})", placeholders(2, ids.len()));
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

    /// Replaces a group's roles (catalogue names): only the roles taken
    /// away and the roles given are written, so the members' effective
    /// roles (`role_holders`, moved by triggers) change only where they do.
    pub(crate) async fn set_group_roles(
        &mut self,
        group_id: i64,
        roles: &[String],
    ) -> StoreResult<()> {
        let names = placeholders(2, roles.len());
        let (taken, given) = if roles.is_empty() {
            (
                "DELETE FROM group_roles WHERE group_id = $1".to_string(),
                None,
            )
        } else {
            (
                format!(
                    "DELETE FROM group_roles WHERE group_id = $1
                     AND role_id NOT IN (SELECT id FROM roles WHERE name IN ({names}))"
                ),
                Some(format!(
                    "INSERT INTO group_roles (group_id, role_id)
                     SELECT $1, r.id FROM roles r WHERE r.name IN ({names})
                       AND NOT EXISTS (SELECT 1 FROM group_roles gr
                                       WHERE gr.group_id = $1 AND gr.role_id = r.id)"
                )),
            )
        };
        on_backend!(Tx, &mut self.0, |tx| {
            for sql in std::iter::once(&taken).chain(given.as_ref()) {
                let mut query = sqlx::query(sql).bind(group_id);
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
}
