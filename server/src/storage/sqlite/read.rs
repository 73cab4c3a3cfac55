//! Reads: one user, the catalogue, groups, identity providers and the
//! company (the users list is in `list.rs`).

use std::collections::HashMap;

use sqlx::{Row, SqliteConnection};
use users_api::{AgentRef, Company, Directory, Group, IdentityProvider, Role, UserDetail};

use super::summaries::load_provenance;
use super::SqliteStore;
use crate::storage::model::EmailUse;
use crate::storage::provenance::{UserRow, USER_SELECT};
use crate::storage::{StoreError, StoreResult};

impl SqliteStore {
    /// One user of the company, with everything the form and dialogs need.
    pub async fn user_detail(&self, company_id: i64, user_id: i64) -> StoreResult<UserDetail> {
        let mut tx = self.begin_read().await?;
        let detail = load_detail(&mut tx, company_id, user_id).await?;
        tx.commit().await?;
        Ok(detail)
    }

    /// The company, with its directory integration if any.
    pub async fn company(&self, company_id: i64) -> StoreResult<Company> {
        let row = sqlx::query("SELECT id, name, directory_provider FROM companies WHERE id = ?1")
            .bind(company_id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(Company {
            id: row.get(0),
            name: row.get(1),
            directory: row
                .get::<Option<String>, _>(2)
                .map(|provider| Directory { provider }),
        })
    }

    /// The role catalogue, in catalogue order.
    pub async fn roles(&self) -> StoreResult<Vec<Role>> {
        let rows = sqlx::query("SELECT name, description FROM roles ORDER BY position")
            .fetch_all(&self.read)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Role {
                name: r.get(0),
                description: r.get(1),
            })
            .collect())
    }

    /// The company's groups by name, with roles and active member counts.
    pub async fn groups(&self, company_id: i64) -> StoreResult<Vec<Group>> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(
            "SELECT g.id, g.name, g.description,
                    (SELECT COUNT(*) FROM group_members gm JOIN users u ON u.id = gm.user_id
                     WHERE gm.group_id = g.id AND u.status = 'active')
             FROM user_groups g WHERE g.company_id = ?1 ORDER BY g.name, g.id",
        )
        .bind(company_id)
        .fetch_all(&mut *tx)
        .await?;
        let role_rows = sqlx::query(
            "SELECT gr.group_id, r.name FROM group_roles gr
             JOIN roles r ON r.id = gr.role_id
             JOIN user_groups g ON g.id = gr.group_id
             WHERE g.company_id = ?1 ORDER BY r.position",
        )
        .bind(company_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut roles: HashMap<i64, Vec<String>> = HashMap::new();
        for row in role_rows {
            roles.entry(row.get(0)).or_default().push(row.get(1));
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let id: i64 = r.get(0);
                let members: i64 = r.get(3);
                Group {
                    id,
                    name: r.get(1),
                    description: r.get(2),
                    roles: roles.remove(&id).unwrap_or_default(),
                    member_count: u64::try_from(members).unwrap_or(0),
                }
            })
            .collect())
    }

    /// The identity providers a user of the company can be given.
    pub async fn identity_providers(&self, company_id: i64) -> StoreResult<Vec<IdentityProvider>> {
        let rows = sqlx::query(
            "SELECT id, name FROM identity_providers WHERE company_id = ?1 ORDER BY position, name",
        )
        .bind(company_id)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| IdentityProvider {
                id: r.get(0),
                name: r.get(1),
            })
            .collect())
    }

    /// Who uses an email key (case-insensitive), apart from `exclude`.
    pub async fn email_use(
        &self,
        company_id: i64,
        key: &str,
        exclude: Option<i64>,
    ) -> StoreResult<EmailUse> {
        let row =
            sqlx::query("SELECT company_id, status FROM users WHERE email_key = ?1 AND id <> ?2")
                .bind(key)
                .bind(exclude.unwrap_or(0))
                .fetch_optional(&self.read)
                .await?;
        Ok(match row {
            None => EmailUse::Free,
            Some(row)
                if row.get::<i64, _>(0) == company_id && row.get::<String, _>(1) == "archived" =>
            {
                EmailUse::Archived
            }
            Some(_) => EmailUse::Taken,
        })
    }
}

/// Reads one user of the company on `conn` (inside a read or write transaction).
pub(super) async fn load_detail(
    conn: &mut SqliteConnection,
    company_id: i64,
    user_id: i64,
) -> StoreResult<UserDetail> {
    let sql = format!("{USER_SELECT} WHERE u.id = ?1 AND u.company_id = ?2");
    let row: UserRow = sqlx::query_as(&sql)
        .bind(user_id)
        .bind(company_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let provenance = load_provenance(conn, &[row.id]).await?;
    let agents = owned_agents(conn, row.id).await?;
    Ok(provenance.detail(row, agents))
}

/// The agents a user owns, by name.
pub(super) async fn owned_agents(
    conn: &mut SqliteConnection,
    user_id: i64,
) -> StoreResult<Vec<AgentRef>> {
    let rows = sqlx::query("SELECT id, name FROM agents WHERE owner_id = ?1 ORDER BY name, id")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| AgentRef {
            id: r.get(0),
            name: r.get(1),
        })
        .collect())
}
