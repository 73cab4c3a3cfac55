//! The storage logic written once for both backends: user changes, tokens,
//! the first administrator and the directory switch, as methods of
//! [`Store`](super::Store). Each flow decides, checks and audits here; the
//! statements are [`WriteTx`]'s methods (`storage::shared_sql`), so "go to
//! definition" on one leads to its SQL.
//!
//! Every flow runs in one write transaction: a refusal returns early and
//! drops it (rollback); success commits.

mod access_review;
mod admin;
mod groups;
mod tokens;
mod users;

pub use access_review::{Export, ExportRow, EXPORT_BATCH};

use users_api::validation::ValidNewUser;
use users_api::RevealedToken;

use super::shared_sql::WriteTx;
use super::StoreResult;
use crate::crypto::TokenCrypto;

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

/// Inserts a user with its roles and a fresh token; returns the new id.
pub(crate) async fn insert_user(
    tx: &mut WriteTx,
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
pub(crate) async fn issue_token(
    tx: &mut WriteTx,
    crypto: &TokenCrypto,
    user_id: i64,
) -> StoreResult<String> {
    let token = TokenCrypto::generate_token()?;
    let sealed = crypto.seal(user_id, &token)?;
    tx.store_token(user_id, &sealed, &super::now()).await?;
    Ok(token)
}

/// Decrypts a user's stored token (the user must be in `company_id`).
pub(crate) async fn stored_token(
    tx: &mut WriteTx,
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
