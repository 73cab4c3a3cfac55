//! The SQLite list planner's decisions, as pure functions of the counts
//! (`user_counts`, `user_gram_counts`), the needle and the page: which
//! statements of `list.rs` answer a search. `list::plan_page` reads the
//! counts, asks here, and runs what the plan names.

use std::collections::HashMap;

use crate::storage::window::Window;

/// Index entries a dense walk may be expected to visit for one page (a
/// covering-index entry costs well under a microsecond).
pub(super) const WALK_BUDGET: u64 = 40_000;

/// Candidate rows a trigram lookup may check one by one (a row lookup costs
/// about a microsecond); above this a search counts by walking the index.
pub(super) const CANDIDATE_BUDGET: u64 = 60_000;

/// At most this many of a search's rarest trigrams are ANDed in the index.
pub(super) const MAX_TERMS: usize = 3;

pub(super) use crate::storage::grams::matches_nothing;

/// The grams whose counts decide a search: the needle itself when it has
/// up to three characters (its count is the exact total), else its
/// trigrams.
pub(super) fn grams_to_count(needle: &str) -> Vec<&str> {
    if needle.chars().count() <= 3 {
        vec![needle]
    } else {
        crate::storage::grams::trigrams(needle)
    }
}

/// How a search finds its total, from the counts of [`grams_to_count`].
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Total<'a> {
    /// A trigram no user of the tab has: nothing matches.
    Nothing,
    /// Exact from the gram counts (a needle of up to three characters).
    Counted(u64),
    /// The rarest trigrams are rare: the trigram index's candidates for
    /// `terms` (rarest first), checked row by row, give the total and the
    /// page in one statement.
    Candidates(Vec<&'a str>),
    /// Every trigram is common: count by walking the covering index.
    Walk,
}

/// Decides how a search's total is found (`counts`: users of the tab per
/// gram of [`grams_to_count`]; a gram absent has none).
pub(super) fn total_plan<'a>(
    needle: &'a str,
    grams: &[&'a str],
    counts: &HashMap<String, u64>,
) -> Total<'a> {
    if needle.chars().count() <= 3 {
        return Total::Counted(counts.get(needle).copied().unwrap_or(0));
    }
    let mut by_rarity: Vec<(u64, &str)> = grams
        .iter()
        .map(|t| (counts.get(*t).copied().unwrap_or(0), *t))
        .collect();
    by_rarity.sort_unstable();
    let rarest = by_rarity.first().map_or(0, |(n, _)| *n);
    if rarest == 0 {
        Total::Nothing
    } else if rarest <= CANDIDATE_BUDGET {
        Total::Candidates(by_rarity.iter().take(MAX_TERMS).map(|(_, t)| *t).collect())
    } else {
        Total::Walk
    }
}

/// How the page's ids are found once the total is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Page {
    /// The page lies past the last match.
    Empty,
    /// Walk the covering index from the nearer end with the substring test.
    Walk(Window),
    /// Sparse matches of a three-character needle: the trigram index's
    /// candidates for the needle itself, sorted.
    Candidates,
}

/// Decides how the page is read: `total` matches among the tab's `size`
/// users, `counted` when the total came from the gram counts.
pub(super) fn page_plan(
    needle_chars: usize,
    total: u64,
    counted: bool,
    size: u64,
    offset: u64,
    per_page: u64,
) -> Page {
    let Some(window) = Window::new(total, offset, per_page) else {
        return Page::Empty;
    };
    let dense = window.walk_estimate(total, size) <= WALK_BUDGET;
    if needle_chars == 3 && counted && !dense && total <= CANDIDATE_BUDGET {
        Page::Candidates
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
        assert!(matches_nothing("\t"));
        assert!(!matches_nothing("o'brien ñ"));
    }

    #[test]
    fn short_needles_count_themselves_long_ones_their_trigrams() {
        assert_eq!(grams_to_count("zoë"), ["zoë"]);
        assert_eq!(grams_to_count("a"), ["a"]);
        assert_eq!(grams_to_count("abcab"), ["abc", "bca", "cab"]);
    }

    #[test]
    fn a_short_needles_total_is_its_gram_count() {
        let n = counts(&[("ann", 42)]);
        assert_eq!(total_plan("ann", &["ann"], &n), Total::Counted(42));
        assert_eq!(total_plan("zz", &["zz"], &n), Total::Counted(0));
    }

    #[test]
    fn a_missing_trigram_means_no_match() {
        let n = counts(&[("lop", 10), ("ope", 20)]);
        let grams = ["lop", "ope", "pez"];
        assert_eq!(total_plan("lopez", &grams, &n), Total::Nothing);
    }

    #[test]
    fn rare_trigrams_give_candidates_rarest_first() {
        let n = counts(&[("abc", 900), ("bcd", 7), ("cde", 50), ("def", 3)]);
        let grams = ["abc", "bcd", "cde", "def"];
        assert_eq!(
            total_plan("abcdef", &grams, &n),
            Total::Candidates(vec!["def", "bcd", "cde"])
        );
        let at_budget = counts(&[("abc", CANDIDATE_BUDGET), ("bcd", CANDIDATE_BUDGET)]);
        assert_eq!(
            total_plan("abcd", &["abc", "bcd"], &at_budget),
            Total::Candidates(vec!["abc", "bcd"])
        );
    }

    #[test]
    fn common_trigrams_count_by_walking() {
        let over = CANDIDATE_BUDGET + 1;
        let n = counts(&[("acm", over), ("cme", over + 5)]);
        assert_eq!(total_plan("acme", &["acm", "cme"], &n), Total::Walk);
    }

    #[test]
    fn a_page_past_the_end_is_empty() {
        assert_eq!(page_plan(3, 10, true, 1_000, 10, 5), Page::Empty);
        assert_eq!(page_plan(5, 0, false, 1_000, 0, 5), Page::Empty);
    }

    #[test]
    fn dense_matches_are_walked() {
        // Half the tab matches: the first page is a few entries away.
        let page = page_plan(3, 500_000, true, 1_000_000, 0, 25);
        assert_eq!(page, Page::Walk(Window::new(500_000, 0, 25).unwrap()));
        // The last page is read from the end, as cheaply.
        let last = page_plan(3, 500_000, true, 1_000_000, 499_975, 25);
        assert_eq!(last, Page::Walk(Window::new(500_000, 499_975, 25).unwrap()));
    }

    #[test]
    fn sparse_three_character_needles_use_their_candidates() {
        // 100 matches in a million users: a walk would visit ~250,000 entries.
        assert_eq!(page_plan(3, 100, true, 1_000_000, 0, 25), Page::Candidates);
    }

    #[test]
    fn sparse_needles_are_walked_when_candidates_do_not_apply() {
        let window = Window::new(100, 0, 25).unwrap();
        // Shorter needles have no trigram to look up.
        assert_eq!(
            page_plan(2, 100, true, 1_000_000, 0, 25),
            Page::Walk(window)
        );
        // A total counted by walking is not looked up again.
        assert_eq!(
            page_plan(3, 100, false, 1_000_000, 0, 25),
            Page::Walk(window)
        );
        // Too many candidates to check one by one.
        let many = CANDIDATE_BUDGET + 1;
        assert_eq!(
            page_plan(3, many, true, 100_000_000, 30_000, 25),
            Page::Walk(Window::new(many, 30_000, 25).unwrap())
        );
    }
}
