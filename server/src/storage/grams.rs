//! Grams: the 1-, 2- and 3-character substrings both backends count per
//! company and tab (`user_gram_counts`) to give short searches exact totals
//! and to rank a longer search's trigrams by rarity (and per group, for
//! member searches: `group_gram_counts`).

use std::collections::HashMap;

use users_api::identity;

use super::model::DemoPlan;

/// No name or email holds a control character (validation refuses them;
/// SQLite's search index pads with one, and PostgreSQL text cannot hold
/// NUL): a search for one matches nothing, and no statement need run.
pub(crate) fn matches_nothing(needle: &str) -> bool {
    needle.chars().any(char::is_control)
}

/// The distinct 1-, 2- and 3-character substrings of a text, as
/// `user_gram_counts` counts them (characters are Unicode scalar values, as
/// SQLite's `substr` counts them).
pub(crate) fn grams(text: &str, out: &mut Vec<(usize, usize)>) {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = bounds.len() - 1;
    for len in 1..=3 {
        for start in 0..chars.saturating_sub(len - 1) {
            out.push((bounds[start], bounds[start + len]));
        }
    }
}

/// The distinct grams of one user's two search texts.
pub(crate) fn user_grams<'a>(sort_key: &'a str, email_key: &'a str) -> Vec<&'a str> {
    let mut spans = Vec::new();
    let mut found: Vec<&str> = Vec::new();
    for text in [sort_key, email_key] {
        spans.clear();
        grams(text, &mut spans);
        found.extend(spans.iter().map(|&(a, b)| &text[a..b]));
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The distinct trigrams of a search text.
pub(crate) fn trigrams(needle: &str) -> Vec<&str> {
    let bounds: Vec<usize> = needle
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(needle.len()))
        .collect();
    let mut out: Vec<&str> = bounds.windows(4).map(|w| &needle[w[0]..w[3]]).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// For each group of a demo plan (by index), how many of its active
/// members contain each gram: what the group gram-count triggers would
/// have written, for the bulk loaders that set them aside.
pub(crate) fn plan_group_grams(plan: &DemoPlan) -> Vec<HashMap<String, i64>> {
    let mut counts: Vec<HashMap<String, i64>> = vec![HashMap::new(); plan.groups.len()];
    for user in plan
        .users
        .iter()
        .filter(|u| !u.archived && !u.groups.is_empty())
    {
        let names = identity::name_key(&user.first_name, &user.last_name);
        let email = identity::email_key(&user.email);
        let grams = user_grams(&names, &email);
        for group in &user.groups {
            let Some(tab) = counts.get_mut(*group) else {
                continue;
            };
            for gram in &grams {
                match tab.get_mut(*gram) {
                    Some(n) => *n += 1,
                    None => {
                        tab.insert((*gram).to_string(), 1);
                    }
                }
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_count_characters_not_bytes() {
        let mut spans = Vec::new();
        grams("zoë", &mut spans);
        let text = "zoë";
        let found: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(found, ["z", "o", "ë", "zo", "oë", "zoë"]);
        assert_eq!(user_grams("ab", "ba"), ["a", "ab", "b", "ba"]);
        assert_eq!(trigrams("abcab"), ["abc", "bca", "cab"]);
        assert!(trigrams("ab").is_empty());
    }
}
