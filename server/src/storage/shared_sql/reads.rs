//! The reads: [`Tx`]'s own methods (a user's detail and agents, run in a
//! snapshot or a write transaction) and the storage interface's reads,
//! each one copy of its SQL run on the open backend. The list has a plan
//! per backend (`sqlite/list.rs`, `postgres/list.rs`).

use sqlx::Row;
use users_api::{AgentRef, Company, Directory, IdentityProvider, Role, UserDetail};

use super::{on_backend, Tx};
use crate::storage::model::EmailUse;
use crate::storage::provenance::{UserRow, USER_SELECT};
use crate::storage::{postgres, sqlite, Store, StoreError, StoreResult};

impl Tx {
    /// One user of the company, as the API shows it.
    pub(crate) async fn load_detail(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> StoreResult<UserDetail> {
        let sql = format!("{USER_SELECT} WHERE u.id = $1 AND u.company_id = $2");
        let row: Option<UserRow> = on_backend!(Tx, &mut *self, |tx| {
            sqlx::query_as(&sql)
                .bind(user_id)
                .bind(company_id)
                .fetch_optional(&mut **tx)
                .await?
        });
        let row = row.ok_or(StoreError::NotFound)?;
        let ids = [row.summary.id];
        let provenance = match self {
            Tx::Sqlite(tx) => sqlite::load_provenance(tx, &ids).await?,
            Tx::Postgres(tx) => postgres::load_provenance(tx, &ids).await?,
        };
        let agents = self.owned_agents(row.summary.id).await?;
        Ok(provenance.detail(row, agents))
    }

    /// The agents a user owns, by name.
    pub(crate) async fn owned_agents(&mut self, user_id: i64) -> StoreResult<Vec<AgentRef>> {
        on_backend!(Tx, &mut *self, |tx| {
            let rows =
                sqlx::query("SELECT id, name FROM agents WHERE owner_id = $1 ORDER BY name, id")
                    .bind(user_id)
                    .fetch_all(&mut **tx)
                    .await?;
            Ok(rows
                .into_iter()
                .map(|r| AgentRef {
                    id: r.get(0),
                    name: r.get(1),
                })
                .collect())
        })
    }
}

impl Store {
    /// One user of the company, with everything the form and dialogs need.
    pub async fn user_detail(&self, company_id: i64, user_id: i64) -> StoreResult<UserDetail> {
        let mut tx = self.begin_read().await?;
        let detail = tx.load_detail(company_id, user_id).await?;
        tx.commit().await?;
        Ok(detail)
    }

    /// The company, with its directory integration if any.
    pub async fn company(&self, company_id: i64) -> StoreResult<Company> {
        on_backend!(ReadPool, self.read_pool(), |pool| {
            let row =
                sqlx::query("SELECT id, name, directory_provider FROM companies WHERE id = $1")
                    .bind(company_id)
                    .fetch_optional(pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            Ok(Company {
                id: row.get(0),
                name: row.get(1),
                directory: row
                    .get::<Option<String>, _>(2)
                    .map(|provider| Directory { provider }),
            })
        })
    }

    /// The role catalogue, in catalogue order.
    pub async fn roles(&self) -> StoreResult<Vec<Role>> {
        on_backend!(ReadPool, self.read_pool(), |pool| {
            let rows = sqlx::query("SELECT name, description FROM roles ORDER BY position")
                .fetch_all(pool)
                .await?;
            Ok(rows
                .into_iter()
                .map(|r| Role {
                    name: r.get(0),
                    description: r.get(1),
                })
                .collect())
        })
    }

    /// The identity providers a user of the company can be given.
    pub async fn identity_providers(&self, company_id: i64) -> StoreResult<Vec<IdentityProvider>> {
        on_backend!(ReadPool, self.read_pool(), |pool| {
            let rows = sqlx::query(
                "SELECT id, name FROM identity_providers WHERE company_id = $1 ORDER BY position, name",
            )
            .bind(company_id)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| IdentityProvider {
                    id: r.get(0),
                    name: r.get(1),
                })
                .collect())
        })
    }

    /// Who uses an email key (case-insensitive), apart from `exclude`.
    pub async fn email_use(
        &self,
        company_id: i64,
        key: &str,
        exclude: Option<i64>,
    ) -> StoreResult<EmailUse> {
        on_backend!(ReadPool, self.read_pool(), |pool| {
            let row = sqlx::query(
                "SELECT company_id, status FROM users WHERE email_key = $1 AND id <> $2",
            )
            .bind(key)
            .bind(exclude.unwrap_or(0))
            .fetch_optional(pool)
            .await?;
            Ok(match row {
                None => EmailUse::Free,
                Some(row)
                    if row.get::<i64, _>(0) == company_id
                        && row.get::<String, _>(1) == "archived" =>
                {
                    EmailUse::Archived
                }
                Some(_) => EmailUse::Taken,
            })
        })
    }

    /// The agents a user owns (id and name): for the tests, until the API
    /// lists agents.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn agents_of(&self, user_id: i64) -> StoreResult<Vec<AgentRef>> {
        let mut tx = self.begin_read().await?;
        let agents = tx.owned_agents(user_id).await?;
        tx.commit().await?;
        Ok(agents)
    }
}
