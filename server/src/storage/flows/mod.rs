//! The storage logic written once for both backends: user changes, tokens,
//! the first administrator and the directory switch. Each flow decides,
//! checks and audits here; the backends only run statements, through the
//! two traits below (most of them from `storage::shared_sql`).
//!
//! Every flow runs in one write transaction from [`Backend`]: a refusal
//! returns early and drops it (rollback); success commits.

mod admin;
mod tokens;
mod users;

use std::future::Future;

use serde_json::Value;
use users_api::validation::ValidNewUser;
use users_api::{AgentRef, RevealedToken, UserDetail};

use super::StoreResult;
use crate::crypto::TokenCrypto;

pub(crate) use admin::{create_admin, ensure_company, set_directory};
pub(crate) use tokens::{authenticate, regenerate_token, reveal_token};
pub(crate) use users::{archive_user, create_user, restore_user, update_user};

/// A stored token with what authentication needs of its user.
#[derive(Debug)]
pub(crate) struct TokenRow {
    pub(crate) user_id: i64,
    pub(crate) nonce: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) last_used_at: Option<String>,
    pub(crate) company_id: i64,
    pub(crate) active: bool,
    /// "First Last".
    pub(crate) name: String,
    pub(crate) can_manage_users: bool,
}

/// A user's sealed token as stored, with its times.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SealedRow {
    pub(crate) nonce: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) created_at: String,
    pub(crate) last_used_at: Option<String>,
}

/// The user holding an email key (in any company).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EmailHolder {
    pub(crate) id: i64,
    pub(crate) company_id: i64,
    /// `active` or `archived`.
    pub(crate) status: String,
}

/// A user's editable fields as they are to be stored.
#[derive(Debug)]
pub(crate) struct UserFields<'a> {
    pub(crate) first_name: &'a str,
    pub(crate) last_name: &'a str,
    pub(crate) email: &'a str,
    /// The canonical key; `None` on an update keeps the stored one.
    pub(crate) email_key: Option<&'a str>,
    pub(crate) identity_provider_id: i64,
}

/// What a backend gives the flows: write transactions, and the two token
/// statements authentication runs outside one.
pub(crate) trait Backend: Sync {
    type Tx: WriteTx;

    fn crypto(&self) -> &TokenCrypto;

    /// A write transaction for changes to one company's users.
    fn begin_company_write(
        &self,
        company_id: i64,
    ) -> impl Future<Output = StoreResult<Self::Tx>> + Send;

    /// A write transaction for operator actions that name a company; take
    /// the company's own lock with [`WriteTx::lock_company`] once known.
    fn begin_catalogue_write(&self) -> impl Future<Output = StoreResult<Self::Tx>> + Send;

    /// The token with this lookup hash, if any.
    fn token_row(
        &self,
        lookup_hash: &[u8],
    ) -> impl Future<Output = StoreResult<Option<TokenRow>>> + Send;

    /// Sets the token's `last_used_at` to `now` unless it is after `threshold`
    /// (one conditional statement: correct whichever instance runs it).
    fn touch_token(
        &self,
        lookup_hash: &[u8],
        now: &str,
        threshold: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// The statements the flows run inside a write transaction.
pub(crate) trait WriteTx: Send {
    fn commit(self) -> impl Future<Output = StoreResult<()>> + Send;

    /// Serialises this transaction with the company's other writers (where
    /// the transaction does not already exclude every other writer).
    fn lock_company(&mut self, company_id: i64) -> impl Future<Output = StoreResult<()>> + Send;

    /// The company's id, creating it with the default providers if missing;
    /// true when created.
    fn ensure_company(
        &mut self,
        name: &str,
    ) -> impl Future<Output = StoreResult<(i64, bool)>> + Send;

    /// The id of the company with this name, if any.
    fn company_by_name(
        &mut self,
        name: &str,
    ) -> impl Future<Output = StoreResult<Option<i64>>> + Send;

    /// The names of the company's identity providers, in their order.
    fn provider_names(
        &mut self,
        company_id: i64,
    ) -> impl Future<Output = StoreResult<Vec<String>>> + Send;

    /// Puts the company's users under a directory (adding it as a provider)
    /// or back under the console.
    fn set_directory_provider(
        &mut self,
        company_id: i64,
        provider: Option<&str>,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Refuses user changes while the company's users live in a directory.
    fn check_directory(&mut self, company_id: i64) -> impl Future<Output = StoreResult<()>> + Send;

    /// One user of the company, as the API shows it.
    fn load_detail(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> impl Future<Output = StoreResult<UserDetail>> + Send;

    /// The user holding an email key, if any.
    fn user_by_email(
        &mut self,
        key: &str,
    ) -> impl Future<Output = StoreResult<Option<EmailHolder>>> + Send;

    /// Whether a user other than `user_id` holds the email key.
    fn email_taken_by_other(
        &mut self,
        key: &str,
        user_id: i64,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// The id of a provider of the company, by name.
    fn provider_id(
        &mut self,
        company_id: i64,
        name: &str,
    ) -> impl Future<Output = StoreResult<i64>> + Send;

    /// Inserts an active user (no roles, no token); returns its id. A taken
    /// email key is [`super::StoreError::EmailTaken`].
    fn insert_user_row(
        &mut self,
        company_id: i64,
        fields: &UserFields<'_>,
        sort_key: &str,
        at: &str,
    ) -> impl Future<Output = StoreResult<i64>> + Send;

    /// Stores new field values and a new version.
    fn update_user_row(
        &mut self,
        user_id: i64,
        fields: &UserFields<'_>,
        sort_key: &str,
        at: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Archives (`Some((at, by))`) or restores (`None`) a user; new version.
    fn set_archived(
        &mut self,
        user_id: i64,
        archived: Option<(&str, i64)>,
        at: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// A new version with no field change (roles changed elsewhere).
    fn bump_version(
        &mut self,
        user_id: i64,
        at: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Replaces a user's direct roles (catalogue names).
    fn set_direct_roles(
        &mut self,
        user_id: i64,
        roles: &[String],
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// A user's direct roles, in catalogue order.
    fn direct_role_names(
        &mut self,
        user_id: i64,
    ) -> impl Future<Output = StoreResult<Vec<String>>> + Send;

    /// Whether a user holds `role` through one of its groups.
    fn has_role_through_group(
        &mut self,
        user_id: i64,
        role: &str,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Whether the company still has an active Settings holder.
    fn any_active_admin(
        &mut self,
        company_id: i64,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// The agents a user owns, by name.
    fn owned_agents(
        &mut self,
        user_id: i64,
    ) -> impl Future<Output = StoreResult<Vec<AgentRef>>> + Send;

    /// "First Last" of an active user of the company, if it is one.
    fn active_user_name(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> impl Future<Output = StoreResult<Option<String>>> + Send;

    /// Gives all of one user's agents to another.
    fn transfer_agents(
        &mut self,
        from: i64,
        to: i64,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Whether the user belongs to the company.
    fn user_exists(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Stores a sealed token for the user, replacing any other.
    fn store_token(
        &mut self,
        user_id: i64,
        sealed: &crate::crypto::SealedToken,
        at: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// The user's sealed token and its times; the user must be in the
    /// company.
    fn sealed_token(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> impl Future<Output = StoreResult<Option<SealedRow>>> + Send;

    /// Appends one audit row.
    fn record(
        &mut self,
        company_id: i64,
        actor_id: i64,
        action: &str,
        target_user_id: Option<i64>,
        details: Value,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Inserts a user with its roles and a fresh token; returns the new id.
pub(crate) async fn insert_user<T: WriteTx>(
    tx: &mut T,
    crypto: &TokenCrypto,
    company_id: i64,
    user: &ValidNewUser,
) -> StoreResult<i64> {
    let provider = tx.provider_id(company_id, &user.identity_provider).await?;
    let (first_name, last_name) = (user.first_name.stored(), user.last_name.stored());
    let (email, key) = (user.email.stored(), user.email.key());
    let fields = UserFields {
        first_name: &first_name,
        last_name: &last_name,
        email: &email,
        email_key: Some(&key),
        identity_provider_id: provider,
    };
    let sort_key = users_api::identity::name_key(&first_name, &last_name);
    let id = tx
        .insert_user_row(company_id, &fields, &sort_key, &super::now())
        .await?;
    tx.set_direct_roles(id, &user.roles).await?;
    issue_token(tx, crypto, id).await?;
    Ok(id)
}

/// Creates (or replaces) a user's token; returns it.
pub(crate) async fn issue_token<T: WriteTx>(
    tx: &mut T,
    crypto: &TokenCrypto,
    user_id: i64,
) -> StoreResult<String> {
    let token = TokenCrypto::generate_token()?;
    let sealed = crypto.seal(user_id, &token)?;
    tx.store_token(user_id, &sealed, &super::now()).await?;
    Ok(token)
}

/// Decrypts a user's stored token (the user must be in `company_id`).
pub(crate) async fn stored_token<T: WriteTx>(
    tx: &mut T,
    crypto: &TokenCrypto,
    company_id: i64,
    user_id: i64,
) -> StoreResult<RevealedToken> {
    let sealed = tx
        .sealed_token(company_id, user_id)
        .await?
        .ok_or(super::StoreError::NotFound)?;
    let token = crypto
        .open(user_id, &sealed.nonce, &sealed.ciphertext)
        .ok_or(super::StoreError::TokenUnreadable)?;
    Ok(RevealedToken {
        token,
        created_at: sealed.created_at,
        last_used_at: sealed.last_used_at,
    })
}
