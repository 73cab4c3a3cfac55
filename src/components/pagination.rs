use leptos::prelude::*;

use crate::state::list_url::PAGE_SIZES;

/// `1234567` → `"1,234,567"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a list counts: singular and plural ("user", "users").
pub type Noun = (&'static str, &'static str);

/// "Showing 26–50 of 1,234 users".
pub fn showing(page: u32, per_page: u32, shown: usize, total: u64, (one, many): Noun) -> String {
    let noun = if total == 1 { one } else { many };
    if shown == 0 {
        return format!("Showing 0 of {} {noun}", thousands(total));
    }
    let first = u64::from(page - 1) * u64::from(per_page) + 1;
    let last = first + shown as u64 - 1;
    format!(
        "Showing {}–{} of {} {noun}",
        thousands(first),
        thousands(last),
        thousands(total)
    )
}

/// The page links to show: the first, the last, the current one and its
/// neighbours; `None` is a gap ("…"). A gap of a single page shows that page.
pub fn page_window(current: u32, total_pages: u32) -> Vec<Option<u32>> {
    if total_pages <= 7 {
        return (1..=total_pages).map(Some).collect();
    }
    // Ascending by construction (every candidate lies in 1..=total_pages),
    // so no sort is needed: only duplicates go.
    let mut wanted: Vec<u32> = vec![1];
    for p in current.saturating_sub(1)..=current.saturating_add(1) {
        if (1..=total_pages).contains(&p) {
            wanted.push(p);
        }
    }
    wanted.push(total_pages);
    wanted.dedup();
    let mut out = Vec::new();
    let mut previous = 0;
    for p in wanted {
        if p == previous + 2 {
            out.push(Some(previous + 1));
        } else if p > previous + 2 {
            out.push(None);
        }
        out.push(Some(p));
        previous = p;
    }
    out
}

/// Pagination: "Previous page", "Page N" links (the current one with
/// `aria-current=page`), "Next page", the "Showing a–b of n users" status
/// and the "Rows per page" select. Links carry the whole list state, so they
/// can be opened in a new tab; following one adds a history entry.
#[component]
pub fn Pagination(
    /// The page shown (1-based) and the page size.
    page: u32,
    per_page: u32,
    /// The URL of page N of the same list (its other state kept).
    link: impl Fn(u32) -> String + Clone + 'static,
    /// What the list counts ("user", "users").
    noun: Noun,
    total_entries: u64,
    total_pages: u64,
    shown: usize,
    on_per_page: impl Fn(u32) + 'static,
    /// Called with a CSS selector of the control to focus once the page
    /// that a link leads to has rendered (the links are rebuilt with it).
    on_follow: impl Fn(String) + Clone + 'static,
    /// Words after the noun that say what the list is narrowed to
    /// (" with Production from a group").
    #[prop(optional)]
    about: Option<Signal<String>>,
) -> impl IntoView {
    let follow = move |label: String| {
        let on_follow = on_follow.clone();
        move |_| {
            on_follow(format!(
                "nav[aria-label=Pagination] [aria-label=\"{label}\"]"
            ))
        }
    };
    let total_pages = u32::try_from(total_pages).unwrap_or(u32::MAX);
    let current = page;
    let link_to = link;
    let previous = if current > 1 {
        let href = link_to(current.min(total_pages.max(1) + 1) - 1);
        view! {
            <a
                class="page-link"
                href=href
                aria-label="Previous page"
                rel="prev"
                on:click=follow("Previous page".into())
            >
                "‹ Previous"
            </a>
        }
        .into_any()
    } else {
        view! { <a class="page-link" role="link" aria-disabled="true" aria-label="Previous page">"‹ Previous"</a> }
            .into_any()
    };
    let next = if current < total_pages {
        let href = link_to(current + 1);
        view! {
            <a
                class="page-link"
                href=href
                aria-label="Next page"
                rel="next"
                on:click=follow("Next page".into())
            >
                "Next ›"
            </a>
        }
        .into_any()
    } else {
        view! { <a class="page-link" role="link" aria-disabled="true" aria-label="Next page">"Next ›"</a> }
            .into_any()
    };
    let pages = page_window(current, total_pages)
        .into_iter()
        .map(|entry| match entry {
            Some(page) => {
                let is_current = page == current;
                view! {
                    <li>
                        <a
                            class="page-link page-number"
                            href=link_to(page)
                            on:click=follow(format!("Page {page}"))
                            aria-label=format!("Page {page}")
                            aria-current=is_current.then_some("page")
                        >
                            {thousands(u64::from(page))}
                        </a>
                    </li>
                }
                .into_any()
            }
            None => view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any(),
        })
        .collect_view();
    let options = PAGE_SIZES
        .iter()
        .map(|&n| {
            view! { <option value=n.to_string() selected=n == per_page>{n}</option> }
        })
        .collect_view();
    view! {
        <div class="pagination">
            <p class="pagination-status" aria-live="polite">
                {showing(current, per_page, shown, total_entries, noun)}
                {move || about.map(|about| about.get())}
            </p>
            <nav aria-label="Pagination">
                {previous}
                <ul class="page-list">{pages}</ul>
                {next}
            </nav>
            <div class="per-page">
                <label for="rows-per-page">"Rows per page"</label>
                <select
                    id="rows-per-page"
                    prop:value=per_page.to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                            on_per_page(n);
                        }
                    }
                >
                    {options}
                </select>
            </div>
        </div>
    }
}
