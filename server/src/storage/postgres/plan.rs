//! The PostgreSQL list planner's decisions, as pure functions of the counts
//! (`user_counts`, `user_gram_counts`), the needle and the page: which
//! statements of `list.rs` answer a request. `list::plan_page` reads the
//! counts, asks here, and runs (and steers) what the plan names.

use std::collections::HashMap;

use super::candidates::indexable;
use crate::storage::window::Window;

/// Index entries a dense walk may be expected to visit for one page. Lower
/// than SQLite's: each entry's test costs PostgreSQL more, and a
/// sparse needle's candidates (each under ~1/10,000 of the tab here) are
/// quickly sorted.
pub(super) const WALK_BUDGET: u64 = 10_000;

/// Candidate rows the trigram indexes may hand over for checking; above
/// this a long search counts by walking the covering index.
pub(super) const CANDIDATE_BUDGET: u64 = 60_000;

/// At most this many of a long search's rarest trigrams are ANDed in the
/// trigram indexes (each further one costs a posting list, often a long one).
pub(super) const MAX_TERMS: usize = 3;

pub(super) use crate::storage::grams::matches_nothing;

/// The grams whose counts decide a request: none for the whole tab, the
/// needle itself when it has up to three characters (its count is the
/// exact total), else its trigrams.
pub(super) fn grams_to_count(needle: &str) -> Vec<&str> {
    match needle.chars().count() {
        0 => Vec::new(),
        1..=3 => vec![needle],
        _ => crate::storage::grams::trigrams(needle),
    }
}

/// How a request finds its total, from the counts.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Total<'a> {
    /// A trigram no user of the tab has: nothing matches.
    Nothing,
    /// Known from the counts (the whole tab, or a needle of up to three
    /// characters); `candidates` names the trigram-index terms that may
    /// serve a sparse page, when they are few enough.
    Counted {
        total: u64,
        candidates: Option<Vec<&'a str>>,
    },
    /// A rare indexable trigram bounds the candidates: count the matches
    /// among the trigram indexes' candidates for `terms` (rarest first).
    Candidates(Vec<&'a str>),
    /// Every indexable trigram is common (or there is none): count by
    /// walking the covering index.
    Walk,
}

/// Decides how a request's total is found: `size` users in the tab,
/// `counts` the users per gram of [`grams_to_count`] (absent: none).
pub(super) fn total_plan<'a>(
    needle: &'a str,
    grams: &[&'a str],
    size: u64,
    counts: &HashMap<String, u64>,
) -> Total<'a> {
    match needle.chars().count() {
        0 => Total::Counted {
            total: size,
            candidates: None,
        },
        1..=3 => {
            let total = counts.get(needle).copied().unwrap_or(0);
            let candidates = (indexable(needle) && total <= CANDIDATE_BUDGET).then(|| vec![needle]);
            Total::Counted { total, candidates }
        }
        _ => {
            let mut by_rarity: Vec<(u64, &str)> = grams
                .iter()
                .map(|g| (counts.get(*g).copied().unwrap_or(0), *g))
                .collect();
            by_rarity.sort_unstable();
            if by_rarity.first().is_none_or(|(n, _)| *n == 0) {
                return Total::Nothing;
            }
            let bound = by_rarity
                .iter()
                .find(|(_, t)| indexable(t))
                .map_or(u64::MAX, |(n, _)| *n);
            if bound <= CANDIDATE_BUDGET {
                let terms = by_rarity
                    .iter()
                    .filter(|(_, t)| indexable(t))
                    .take(MAX_TERMS)
                    .map(|(_, t)| *t)
                    .collect();
                Total::Candidates(terms)
            } else {
                Total::Walk
            }
        }
    }
}

/// How the page's ids are found once the total is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Page {
    /// The page lies past the last match.
    Empty,
    /// Walk `users_list` from the nearer end (dense matches, or no
    /// candidates to sort).
    Walk(Window),
    /// Sort the trigram indexes' candidates (sparse matches).
    Candidates(Window),
}

/// Decides how the page is read: `total` matches among the tab's `size`
/// users; `candidates` when the trigram indexes can serve this search.
pub(super) fn page_plan(
    total: u64,
    size: u64,
    offset: u64,
    per_page: u64,
    candidates: bool,
) -> Page {
    let Some(window) = Window::new(total, offset, per_page) else {
        return Page::Empty;
    };
    // Dense matches: the page is near an end of the sorted index.
    let dense = window.walk_estimate(total, size) <= WALK_BUDGET;
    if candidates && !dense {
        Page::Candidates(window)
    } else {
        Page::Walk(window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
        pairs.iter().map(|(g, n)| (g.to_string(), *n)).collect()
    }

    #[test]
    fn control_characters_match_nothing() {
        assert!(matches_nothing("a\u{0}b"));
        assert!(!matches_nothing("o'brien ñ"));
    }

    #[test]
    fn grams_by_needle_length() {
        assert!(grams_to_count("").is_empty());
        assert_eq!(grams_to_count("ñú"), ["ñú"]);
        assert_eq!(grams_to_count("abcab"), ["abc", "bca", "cab"]);
    }

    #[test]
    fn the_whole_tab_is_counted_by_its_size() {
        let plan = total_plan("", &[], 1_234, &HashMap::new());
        assert_eq!(
            plan,
            Total::Counted {
                total: 1_234,
                candidates: None
            }
        );
    }

    #[test]
    fn short_needles_are_counted_and_may_have_candidates() {
        let n = counts(&[("son", 500), ("e.1", 5), ("an", 9)]);
        let plan = total_plan("son", &["son"], 1_000_000, &n);
        assert_eq!(
            plan,
            Total::Counted {
                total: 500,
                candidates: Some(vec!["son"])
            }
        );
        // Not an index term (punctuation; fewer than three characters).
        for needle in ["e.1", "an"] {
            let Total::Counted { candidates, .. } = total_plan(needle, &[needle], 1_000_000, &n)
            else {
                panic!("{needle} is counted");
            };
            assert_eq!(candidates, None, "{needle}");
        }
        // Too many to check one by one.
        let common = counts(&[("son", CANDIDATE_BUDGET + 1)]);
        assert_eq!(
            total_plan("son", &["son"], 1_000_000, &common),
            Total::Counted {
                total: CANDIDATE_BUDGET + 1,
                candidates: None
            }
        );
    }

    #[test]
    fn a_missing_trigram_means_no_match() {
        let n = counts(&[("lop", 10), ("ope", 20)]);
        assert_eq!(
            total_plan("lopez", &["lop", "ope", "pez"], 100, &n),
            Total::Nothing
        );
    }

    #[test]
    fn a_rare_indexable_trigram_gives_candidates() {
        let n = counts(&[
            ("abc", 900),
            ("bcd", 70),
            ("cd.", 2),
            ("cde", 50),
            ("def", 30),
        ]);
        let grams = ["abc", "bcd", "cd.", "cde", "def"];
        // The rarest trigram is not indexable: skipped as a term.
        assert_eq!(
            total_plan("abcd.ef", &grams, 100_000, &n),
            Total::Candidates(vec!["def", "cde", "bcd"])
        );
    }

    #[test]
    fn common_or_unindexable_trigrams_count_by_walking() {
        let over = CANDIDATE_BUDGET + 1;
        let n = counts(&[("acm", over), ("cme", over + 5)]);
        assert_eq!(total_plan("acme", &["acm", "cme"], 1, &n), Total::Walk);
        let n = counts(&[("ñúñ", 3), ("úñe", 4)]);
        assert_eq!(total_plan("ñúñe", &["ñúñ", "úñe"], 1, &n), Total::Walk);
    }

    #[test]
    fn pages_past_the_end_are_empty() {
        assert_eq!(page_plan(10, 100, 10, 5, true), Page::Empty);
    }

    #[test]
    fn dense_pages_are_walked_sparse_ones_sorted_from_candidates() {
        let window = Window::new(500_000, 0, 25).unwrap();
        assert_eq!(
            page_plan(500_000, 1_000_000, 0, 25, true),
            Page::Walk(window)
        );
        let sparse = Window::new(100, 0, 25).unwrap();
        assert_eq!(
            page_plan(100, 1_000_000, 0, 25, true),
            Page::Candidates(sparse)
        );
        // Without candidates a sparse page is walked too.
        assert_eq!(page_plan(100, 1_000_000, 0, 25, false), Page::Walk(sparse));
    }
}
