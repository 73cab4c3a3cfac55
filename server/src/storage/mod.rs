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

use users_api::validation::{ValidChanges, ValidNewUser};
use users_api::{
    AgentRef, AuditEntry, Company, Group, IdentityProvider, ListQuery, Page, RevealedToken, Role,
    UserDetail, UserSummary,
};

use crate::crypto::{KeyError, TokenCrypto};

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
    #[error("the user owns agents and no replacement owner was given")]
    OwnsAgents(Vec<AgentRef>),
    #[error("users cannot archive themselves")]
    CannotArchiveSelf,
    #[error("the change would leave the company without an active Settings holder")]
    LastAdmin,
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

/// Declares the storage interface once. A `backend fn` is implemented by
/// each backend with the same signature (its reads, listing and bulk SQL);
/// a `flows fn` is written once in [`flows`] over the backends' statements.
/// Either way the call goes to the open backend.
macro_rules! storage_interface {
    ($( $(#[$doc:meta])* $via:ident fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty; )*) => {
        impl Store {
            $(
                $(#[$doc])*
                pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    match self {
                        Store::Sqlite(s) => storage_interface!(@call $via s $name ($($arg),*)),
                        Store::Postgres(s) => storage_interface!(@call $via s $name ($($arg),*)),
                    }
                }
            )*
        }
    };
    (@call backend $s:ident $name:ident ($($arg:ident),*)) => { $s.$name($($arg),*).await };
    (@call flows $s:ident $name:ident ($($arg:ident),*)) => { flows::$name($s, $($arg),*).await };
}

storage_interface! {
    /// Answers when the database does (the readiness check).
    backend fn ping(&self) -> StoreResult<()>;
    /// The active user a token belongs to, with its Settings right read from
    /// current data; `None` for a malformed, unknown, replaced or archived
    /// user's token. Records the use (at most once a minute per token).
    flows fn authenticate(&self, token: &str) -> StoreResult<Option<Caller>>;
    /// One user of the company, with everything the form and dialogs need.
    backend fn user_detail(&self, company_id: i64, user_id: i64) -> StoreResult<UserDetail>;
    /// The company, with its directory integration if any.
    backend fn company(&self, company_id: i64) -> StoreResult<Company>;
    /// The role catalogue, in catalogue order.
    backend fn roles(&self) -> StoreResult<Vec<Role>>;
    /// The company's groups by name, with roles and active member counts.
    backend fn groups(&self, company_id: i64) -> StoreResult<Vec<Group>>;
    /// The identity providers a user of the company can be given.
    backend fn identity_providers(&self, company_id: i64) -> StoreResult<Vec<IdentityProvider>>;
    /// Who uses an email key (case-insensitive), apart from `exclude`.
    backend fn email_use(&self, company_id: i64, key: &str, exclude: Option<i64>) -> StoreResult<EmailUse>;
    /// One page of a company's users, alphabetical, with role provenance
    /// and exact totals.
    backend fn list_users(&self, company_id: i64, q: &ListQuery) -> StoreResult<Page<UserSummary>>;
    /// One page of the company's audit log, newest first, optionally only
    /// the entries about one user.
    backend fn audit_log(
        &self,
        company_id: i64,
        target_user_id: Option<i64>,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<AuditEntry>>;
    /// Adds a user (`user.create` audited).
    flows fn create_user(&self, company_id: i64, actor_id: i64, user: &ValidNewUser) -> StoreResult<UserDetail>;
    /// Edits a user at the expected version (`user.update` audited with the
    /// before/after of each changed field). Nothing changed: no new version.
    flows fn update_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
        expected: &Expected,
        changes: &ValidChanges,
    ) -> StoreResult<UserDetail>;
    /// Archives a user, giving all its agents to `replacement` in the same
    /// transaction (`user.archive` audited). Archiving an archived user
    /// changes nothing.
    flows fn archive_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
        expected: Option<&Expected>,
        replacement: Option<i64>,
    ) -> StoreResult<(UserDetail, Vec<AgentRef>)>;
    /// Restores an archived user with the roles and groups it had and a new
    /// access token: the old one never works again (`user.restore` and
    /// `token.regenerate` audited). Restoring an active user changes nothing.
    flows fn restore_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
        expected: Option<&Expected>,
    ) -> StoreResult<UserDetail>;
    /// Reveals a user's token (`token.reveal` audited).
    flows fn reveal_token(&self, company_id: i64, actor_id: i64, user_id: i64) -> StoreResult<RevealedToken>;
    /// Replaces a user's token; the old one fails from the commit on, on
    /// every instance (`token.regenerate` audited).
    flows fn regenerate_token(&self, company_id: i64, actor_id: i64, user_id: i64) -> StoreResult<RevealedToken>;
    /// Creates the company if missing and an active user holding Settings
    /// directly; an existing active user with the email gets Settings and
    /// has its token revealed instead.
    flows fn create_admin(&self, company: &str, user: &ValidNewUser) -> StoreResult<AdminUser>;
    /// The company's id and provider names, creating the company if missing.
    flows fn ensure_company(&self, company: &str) -> StoreResult<(i64, Vec<String>)>;
    /// Puts the company's users under a directory (`Some(provider)`) or back
    /// under the console (`None`).
    flows fn set_directory(&self, company: &str, provider: Option<&str>) -> StoreResult<i64>;
    /// Adds a group with its roles to a company; returns its id.
    backend fn create_group(&self, company_id: i64, name: &str, description: &str, roles: &[String]) -> StoreResult<i64>;
    /// Puts a user into a group of the same company.
    backend fn add_group_member(&self, group_id: i64, user_id: i64) -> StoreResult<()>;
    /// Takes a user out of a group.
    backend fn remove_group_member(&self, group_id: i64, user_id: i64) -> StoreResult<()>;
    /// Adds an agent owned by a user of the company; returns its id.
    backend fn create_agent(&self, company_id: i64, name: &str, owner_id: i64) -> StoreResult<i64>;
    /// The agents a user owns (id and name).
    backend fn agents_of(&self, user_id: i64) -> StoreResult<Vec<AgentRef>>;
    /// Adds a demo plan to the company (created if missing). `plan` gets the
    /// first new user id, so generated emails can be unique across runs.
    backend fn seed_demo(&self, company: &str, plan: impl FnOnce(i64) -> DemoPlan) -> StoreResult<SeedSummary>;
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
