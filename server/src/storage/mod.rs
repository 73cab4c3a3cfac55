//! Storage: the only module that speaks SQL. Handlers and the CLI call the
//! methods of [`Store`] with the contract's types; each backend implements
//! the same methods with the same guarantees:
//!
//! * [`sqlite`] (the default): one embedded database file, writes
//!   serialised by `BEGIN IMMEDIATE`.
//! * [`postgres`]: one database shared by any number of stateless server
//!   instances, writes to a company serialised by a transaction-level
//!   advisory lock.
//!
//! Nothing here caches data between requests, so an instance always answers
//! from what is committed, whichever instance committed it.

mod availability;
mod flows;
mod grams;
mod model;
mod pool_guard;
pub mod postgres;
mod provenance;
pub(crate) mod rekey;
mod shared_sql;
pub mod sqlite;
mod window;

use users_api::{AgentRef, ListQuery, Page, UserDetail, UserSummary};

use crate::crypto::{KeyError, TokenCrypto};
use shared_sql::{ReadPool, ReadTx, Tx, WritePool, WriteTx};

pub use flows::{Export, ExportRow, EXPORT_BATCH};
pub use model::{
    AdminUser, DemoGroup, DemoPlan, DemoUser, EmailUse, Expected, SeedSummary, DEFAULT_PROVIDERS,
};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// The authenticated caller of a request, read from current data.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub company_id: i64,
    /// "First Last".
    pub name: String,
    /// Holds Settings, directly or through a group.
    pub can_manage_users: bool,
}

/// What can go wrong in storage: contract-level refusals and real failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no such user in this company")]
    NotFound,
    #[error("the company's users are managed in {0}")]
    DirectoryManaged(String),
    #[error("the email address is already taken")]
    EmailTaken,
    #[error("the email address belongs to an archived user")]
    EmailArchived,
    #[error("the user has changed since it was read (now version {})", .0.version)]
    Stale(Box<UserDetail>),
    #[error("the group has changed since it was read (now version {})", .0.version)]
    StaleGroup(Box<users_api::Group>),
    /// A field the data refuses (a taken group name, ids that are no
    /// active user or no group of the company): a 422 on that field.
    #[error("{field} {message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    #[error("the user owns agents and no replacement owner was given")]
    OwnsAgents(Vec<AgentRef>),
    #[error("users cannot archive themselves")]
    CannotArchiveSelf,
    #[error("the change would leave the company without an active Settings holder")]
    LastAdmin,
    #[error("the change would take the caller's own Settings away")]
    SelfLockout,
    #[error("invalid replacement owner: {0}")]
    InvalidReplacement(String),
    #[error("no company named {0:?}")]
    NoSuchCompany(String),
    /// A request the data refuses for a reason outside the contract's
    /// refusals (an operator command naming another company's user, an
    /// unknown provider or role): the message says which.
    #[error("{0}")]
    Conflict(String),
    /// Data the database answered could not be decoded (a page's JSON, an
    /// id list): a bug or a corrupt row, never the caller's doing.
    #[error("stored data could not be decoded: {0}")]
    Decode(String),
    #[error("stored token data is unreadable with this key (was the token key replaced?)")]
    TokenUnreadable,
    #[error(
        "this token key is not the one the database was set up with: every instance \
         must use the same key (the file first used with this database)"
    )]
    WrongTokenKey,
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://USER@HOST/DATABASE")]
    UnsupportedUrl(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Where the database is.
#[derive(Debug, Clone)]
pub enum Location {
    /// A `sqlite:` or `postgres://` URL as given by the operator.
    Url(String),
    /// A SQLite database file (created when missing).
    File(std::path::PathBuf),
}

impl Location {
    /// Whether this is a PostgreSQL database (shared by several instances).
    pub fn is_postgres(&self) -> bool {
        matches!(self, Location::Url(url) if url.starts_with("postgres://") || url.starts_with("postgresql://"))
    }
}

/// The storage handle of one backend; cheap to clone.
#[derive(Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Store::Sqlite(_) => "Store::Sqlite",
            Store::Postgres(_) => "Store::Postgres",
        })
    }
}

impl Store {
    /// Opens (creating when missing) the database, applies the backend's
    /// embedded migrations and checks the token key against the database.
    pub async fn open(location: &Location, crypto: TokenCrypto) -> StoreResult<Store> {
        match location {
            Location::File(path) => Ok(Store::Sqlite(SqliteStore::open_file(path, crypto).await?)),
            Location::Url(url) if url.starts_with("sqlite:") => {
                Ok(Store::Sqlite(SqliteStore::open_url(url, crypto).await?))
            }
            Location::Url(url) if location.is_postgres() => {
                Ok(Store::Postgres(PgStore::open(url, crypto).await?))
            }
            Location::Url(url) => Err(StoreError::UnsupportedUrl(url.clone())),
        }
    }

    /// Closes the backend's pools (waits for connections to finish).
    pub async fn close(&self) {
        match self {
            Store::Sqlite(s) => s.close().await,
            Store::Postgres(s) => s.close().await,
        }
    }

    /// Role names (catalogue order) and provider names, for validation.
    pub async fn validation_context(
        &self,
        company_id: i64,
    ) -> StoreResult<(Vec<String>, Vec<String>)> {
        let roles = self.roles().await?.into_iter().map(|r| r.name).collect();
        let providers = self
            .identity_providers(company_id)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
        Ok((roles, providers))
    }
}

/// The backend-specific parts of the storage interface: each goes to the
/// open backend's own method (its SQL is in `sqlite/` or `postgres/`). The
/// reads and flows both backends share are `Store` methods too, in
/// `shared_sql/reads.rs` and `flows/`.
impl Store {
    /// Answers when the database does (the readiness check).
    pub async fn ping(&self) -> StoreResult<()> {
        match self {
            Store::Sqlite(s) => s.ping().await,
            Store::Postgres(s) => s.ping().await,
        }
    }

    /// One page of a company's users, alphabetical, with role provenance
    /// and exact totals.
    pub async fn list_users(
        &self,
        company_id: i64,
        q: &ListQuery,
    ) -> StoreResult<Page<UserSummary>> {
        if !q.filter.is_empty() {
            return self.list_filtered(company_id, q).await;
        }
        match self {
            Store::Sqlite(s) => s.list_users(company_id, q).await,
            Store::Postgres(s) => s.list_users(company_id, q).await,
        }
    }

    /// Adds a demo plan to the company (created if missing). `plan` gets the
    /// first new user id, so generated emails can be unique across runs.
    /// Production code: the `seed-demo` command (and the benchmarks) use it.
    pub async fn seed_demo(
        &self,
        company: &str,
        plan: impl FnOnce(i64) -> DemoPlan,
    ) -> StoreResult<SeedSummary> {
        match self {
            Store::Sqlite(s) => s.seed_demo(company, plan).await,
            Store::Postgres(s) => s.seed_demo(company, plan).await,
        }
    }

    /// Adds a group with its roles to a company, unaudited (test set-up);
    /// returns its id.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn seed_group(
        &self,
        company_id: i64,
        name: &str,
        description: &str,
        roles: &[String],
    ) -> StoreResult<i64> {
        match self {
            Store::Sqlite(s) => s.create_group(company_id, name, description, roles).await,
            Store::Postgres(s) => s.create_group(company_id, name, description, roles).await,
        }
    }

    /// Puts a user into a group of the same company, unaudited (test set-up).
    #[cfg(any(test, feature = "test-support"))]
    pub async fn seed_membership(&self, group_id: i64, user_id: i64) -> StoreResult<()> {
        match self {
            Store::Sqlite(s) => s.add_group_member(group_id, user_id).await,
            Store::Postgres(s) => s.add_group_member(group_id, user_id).await,
        }
    }

    /// Takes a user out of a group, unaudited (test set-up).
    #[cfg(any(test, feature = "test-support"))]
    pub async fn end_membership(&self, group_id: i64, user_id: i64) -> StoreResult<()> {
        match self {
            Store::Sqlite(s) => s.remove_group_member(group_id, user_id).await,
            Store::Postgres(s) => s.remove_group_member(group_id, user_id).await,
        }
    }

    /// Adds an agent owned by a user of the company; returns its id.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn create_agent(
        &self,
        company_id: i64,
        name: &str,
        owner_id: i64,
    ) -> StoreResult<i64> {
        match self {
            Store::Sqlite(s) => s.create_agent(company_id, name, owner_id).await,
            Store::Postgres(s) => s.create_agent(company_id, name, owner_id).await,
        }
    }

    /// The token key of the open database.
    fn crypto(&self) -> &TokenCrypto {
        match self {
            Store::Sqlite(s) => s.crypto(),
            Store::Postgres(s) => s.crypto(),
        }
    }

    /// A read-only snapshot for reads of several statements.
    async fn begin_read(&self) -> StoreResult<ReadTx> {
        Ok(ReadTx::new(match self {
            Store::Sqlite(s) => Tx::Sqlite(s.begin_read().await?),
            Store::Postgres(s) => Tx::Postgres(s.begin_read().await?),
        }))
    }

    /// A second snapshot equal to `tx`'s where the backend can share one
    /// (PostgreSQL), for reading in parallel; `None` on SQLite.
    async fn begin_read_beside(&self, tx: &mut ReadTx) -> StoreResult<Option<ReadTx>> {
        Ok(match (self, &mut **tx) {
            (Store::Postgres(s), Tx::Postgres(tx)) => {
                Some(ReadTx::new(Tx::Postgres(s.begin_read_beside(tx).await?)))
            }
            _ => None,
        })
    }

    /// A write transaction for changes to one company's users (SQLite: the
    /// single writer; PostgreSQL: the company's lock).
    async fn begin_company_write(&self, company_id: i64) -> StoreResult<WriteTx> {
        Ok(WriteTx::new(match self {
            Store::Sqlite(s) => Tx::Sqlite(s.begin_write().await?),
            Store::Postgres(s) => Tx::Postgres(s.begin_write(company_id).await?),
        }))
    }

    /// A write transaction for operator actions that name a company; take
    /// the company's own lock with [`WriteTx::lock_company`] once known.
    async fn begin_catalogue_write(&self) -> StoreResult<WriteTx> {
        Ok(WriteTx::new(match self {
            Store::Sqlite(s) => Tx::Sqlite(s.begin_write().await?),
            Store::Postgres(s) => Tx::Postgres(s.begin_catalogue_write().await?),
        }))
    }

    /// The pool one-statement reads run on.
    fn read_pool(&self) -> ReadPool<'_> {
        match self {
            Store::Sqlite(s) => ReadPool::Sqlite(s.read_pool()),
            Store::Postgres(s) => ReadPool::Postgres(s.read_pool()),
        }
    }

    /// The pool a one-statement write outside a transaction runs on.
    fn write_pool(&self) -> WritePool<'_> {
        match self {
            Store::Sqlite(s) => WritePool::Sqlite(s.write_pool()),
            Store::Postgres(s) => WritePool::Postgres(s.write_pool()),
        }
    }
}

/// The current time as stored and shown: RFC 3339 UTC, whole seconds.
pub fn now() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

/// RFC 3339 UTC, whole seconds (sortable as text).
pub fn format_time(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_seconds() {
        let at = time::macros::datetime!(2024-03-05 07:08:09.5 +02:00);
        assert_eq!(format_time(at), "2024-03-05T05:08:09Z");
        assert_eq!(now().len(), 20);
    }
}
