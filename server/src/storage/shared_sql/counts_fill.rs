//! What the bulk fills of kept counts share: gram counts tallied in Rust
//! and added to their table in chunks, and the settings a migration leaves
//! when a fill is due at the server's next start. One copy of the SQL for
//! both backends.

use std::collections::HashMap;

use super::groups::placeholders;
use super::{on_backend, WriteTx};
use crate::storage::StoreResult;

/// Gram-count rows per INSERT (5 parameters each).
const CHUNK: usize = 400;

/// A kept gram count's key before its gram: company, the counted thing's
/// id (role, provider) and a text key (source, status).
pub(super) type GramKey = (i64, i64, &'static str);

/// Gram key → gram → how many users contain it.
#[derive(Default)]
pub(super) struct GramTally(HashMap<GramKey, HashMap<String, i64>>);

impl GramTally {
    /// Counts one user's grams (`user_grams` of their sort and email keys)
    /// under `key`.
    pub(super) fn add(&mut self, key: GramKey, grams: &[&str]) {
        let tab = self.0.entry(key).or_default();
        for &gram in grams {
            match tab.get_mut(gram) {
                Some(n) => *n += 1,
                None => {
                    tab.insert(gram.to_string(), 1);
                }
            }
        }
    }
}

impl WriteTx {
    /// Adds a tally to `table`, whose columns are `columns` (the key's
    /// three, `gram`, `n`; the first four its primary key).
    pub(super) async fn add_gram_tally(
        &mut self,
        table: &str,
        columns: [&str; 5],
        tally: GramTally,
    ) -> StoreResult<()> {
        let rows: Vec<_> = tally
            .0
            .into_iter()
            .flat_map(|((company, id, text), grams)| {
                grams
                    .into_iter()
                    .map(move |(gram, n)| (company, id, text, gram, n))
            })
            .collect();
        let [a, b, c, gram, n] = columns;
        for chunk in rows.chunks(CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("({})", placeholders(i * 5 + 1, 5)))
                .collect();
            let text = format!(
                "INSERT INTO {table} AS k ({a}, {b}, {c}, {gram}, {n}) VALUES {}
                 ON CONFLICT ({a}, {b}, {c}, {gram}) DO UPDATE SET {n} = k.{n} + excluded.{n}",
                values.join(", ")
            );
            on_backend!(Tx, &mut self.0, |tx| {
                let mut query = sqlx::query(&text);
                for (company, id, key, gram, count) in chunk {
                    query = query
                        .bind(*company)
                        .bind(*id)
                        .bind(*key)
                        .bind(gram.as_str())
                        .bind(*count);
                }
                query.execute(&mut **tx).await?;
            });
        }
        Ok(())
    }

    /// Whether a migration left the setting `name`: a fill is due.
    pub(super) async fn fill_pending(&mut self, name: &str) -> StoreResult<bool> {
        let pending: Option<String> = on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut **tx)
                .await?
        });
        Ok(pending.is_some())
    }

    /// Marks the fill `name` done.
    pub(super) async fn fill_done(&mut self, name: &str) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query("DELETE FROM settings WHERE name = $1")
                .bind(name)
                .execute(&mut **tx)
                .await?;
        });
        Ok(())
    }
}
