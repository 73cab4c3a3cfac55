//! Showing an email address where space is short.

use leptos::prelude::*;

/// An email that may wrap after its "@", dots and hyphens — so "@" ends a
/// line, never starts one alone (the CSS breaks anywhere only as a last
/// resort, for a long run without them).
pub fn email_with_breaks(email: &str) -> impl IntoView {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in email.char_indices() {
        if matches!(c, '@' | '.' | '-') {
            parts.push(email[start..=i].to_string());
            start = i + 1;
        }
    }
    parts.push(email[start..].to_string());
    let last = parts.len() - 1;
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| view! { {part} {(i < last).then(|| view! { <wbr /> })} })
        .collect_view()
}
