//! Searches answered through the pg_trgm GIN indexes: candidates for the
//! needle's rarest trigrams, each tested for the whole needle.

use sqlx::PgConnection;

use crate::storage::window::Window;
use crate::storage::StoreResult;

/// A search through the trigram indexes: they are asked for rows holding
/// each of `terms` (trigrams of the needle, rarest first), and each
/// candidate is then tested for the whole needle with `strpos`, which no
/// index serves (so the planner cannot pull the needle's every trigram,
/// common ones included, into the index scan).
pub(super) struct Candidates<'a> {
    company_id: i64,
    status: &'a str,
    needle: &'a str,
    /// `LIKE` patterns of the terms, bound from `$4` on.
    patterns: Vec<String>,
}

impl<'a> Candidates<'a> {
    pub(super) fn new(company_id: i64, status: &'a str, needle: &'a str, terms: &[&str]) -> Self {
        Candidates {
            company_id,
            status,
            needle,
            patterns: terms.iter().map(|t| contains_pattern(t)).collect(),
        }
    }

    /// `FROM … WHERE …` of the matches; `$1` company, `$2` status, `$3`
    /// needle, then the patterns.
    fn matches(&self) -> String {
        let mut sql = String::from(
            "FROM users WHERE company_id = $1 AND status = $2
               AND (strpos(sort_key, $3) > 0 OR strpos(email_key, $3) > 0)",
        );
        for n in 4..4 + self.patterns.len() {
            sql.push_str(&format!(" AND (sort_key LIKE ${n} OR email_key LIKE ${n})"));
        }
        sql
    }

    /// The number of matches.
    pub(super) async fn count(&self, conn: &mut PgConnection) -> StoreResult<u64> {
        let sql = format!("SELECT COUNT(*) {}", self.matches());
        let mut query = sqlx::query_scalar(&sql)
            .bind(self.company_id)
            .bind(self.status)
            .bind(self.needle);
        for pattern in &self.patterns {
            query = query.bind(pattern);
        }
        let n: i64 = query.fetch_one(&mut *conn).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// One page of the matches, sorted.
    pub(super) async fn page(
        &self,
        conn: &mut PgConnection,
        window: Window,
    ) -> StoreResult<Vec<i64>> {
        let n = 4 + self.patterns.len();
        let sql = format!(
            "SELECT id {} ORDER BY sort_key, email_key, id LIMIT ${n} OFFSET ${}",
            self.matches(),
            n + 1
        );
        let mut query = sqlx::query_scalar(&sql)
            .bind(self.company_id)
            .bind(self.status)
            .bind(self.needle);
        for pattern in &self.patterns {
            query = query.bind(pattern);
        }
        Ok(query
            .bind(i64::try_from(window.rows).unwrap_or(i64::MAX))
            .bind(i64::try_from(window.offset).unwrap_or(i64::MAX))
            .fetch_all(&mut *conn)
            .await?)
    }
}

/// Whether pg_trgm indexes a trigram: it extracts trigrams from runs of
/// word characters only, and which non-ASCII letters count as such depends
/// on the database's locale, so only ASCII letters and digits are relied on.
pub(super) fn indexable(trigram: &str) -> bool {
    trigram.chars().count() == 3 && trigram.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A `LIKE` pattern matching `needle` anywhere, its wildcards escaped
/// (PostgreSQL's default escape character is the backslash).
fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::{contains_pattern, indexable};

    #[test]
    fn patterns_escape_like_wildcards() {
        assert_eq!(contains_pattern("ada"), "%ada%");
        assert_eq!(contains_pattern("50%_\\"), "%50\\%\\_\\\\%");
    }

    #[test]
    fn only_ascii_word_trigrams_are_index_terms() {
        assert!(indexable("son"));
        assert!(indexable("a12"));
        assert!(!indexable("e.1"));
        assert!(!indexable("ñúñ"));
        assert!(!indexable("ab"));
    }
}
