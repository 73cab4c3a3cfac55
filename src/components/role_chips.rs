//! Role chips: one per effective role, saying where it comes from.

use leptos::prelude::*;
use users_api::EffectiveRole;

/// Every source of `role` as a sentence to read on screen: "Testing —
/// assigned directly; from Conversation designers, QA team".
fn sources_text(role: &EffectiveRole) -> String {
    let groups: Vec<&str> = role.groups().map(|g| g.name.as_str()).collect();
    let mut parts = Vec::new();
    if role.is_direct() {
        parts.push("assigned directly".to_string());
    }
    if !groups.is_empty() {
        parts.push(format!("from {}", groups.join(", ")));
    }
    format!("{} — {}", role.role, parts.join("; "))
}

/// One chip. A direct role is filled; one that comes from a group is
/// outlined and says "via <group>" (linking to it). When that leaves a
/// source unsaid (more groups, or "also direct"), a "+N" button
/// (`aria-expanded`) shows every source as text, for keyboard and touch
/// as much as for the mouse.
/// `matched`: the list is filtered by this role; the chip then carries a
/// check mark and says so to screen readers (not colour alone).
#[component]
fn RoleChip(role: EffectiveRole, description_id: String, matched: bool) -> impl IntoView {
    let description = role.describe();
    let groups: Vec<(i64, String)> = role.groups().map(|g| (g.id, g.name.clone())).collect();
    let direct = role.is_direct();
    let via = groups.first().map(|(id, name)| {
        view! {
            " "
            <span class="chip-via">"via " <a href=format!("/groups/{id}")>{name.clone()}</a></span>
        }
    });
    let unsaid = groups.len().saturating_sub(1) + usize::from(direct && !groups.is_empty());
    let open = RwSignal::new(false);
    let sources_id = format!("{description_id}-sources");
    let controls = sources_id.clone();
    let more = (unsaid > 0).then(|| {
        view! {
            " "
            <button
                type="button"
                class="chip-more"
                // Named with its visible text first (WCAG 2.5.3).
                aria-label=format!(
                    "+{unsaid} more {} of {}",
                    if unsaid == 1 { "source" } else { "sources" },
                    role.role,
                )
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls=controls.clone()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {format!("+{unsaid}")}
            </button>
        }
    });
    let sources = sources_text(&role);
    let class = match (direct, matched) {
        (true, false) => "chip chip-direct",
        (false, false) => "chip chip-group",
        (true, true) => "chip chip-direct chip-match",
        (false, true) => "chip chip-group chip-match",
    };
    let mark = matched.then(|| {
        view! {
            <span class="chip-mark" aria-hidden="true">"✓ "</span>
        }
    });
    let matched_text = matched.then(|| {
        view! { <span class="visually-hidden">" (filtered by)"</span> }
    });
    view! {
        <li>
            <span class=class aria-describedby=description_id.clone() title=description.clone()>
                {mark}
                <span class="chip-role">{role.role.clone()}</span>
                {matched_text}
                {via}
                {more}
            </span>
            <span id=description_id hidden>{description}</span>
            <span
                id=sources_id
                class="chip-sources"
                hidden=move || !open.get()
            >
                {sources}
            </span>
        </li>
    }
}

/// One chip per effective role; every chip's accessible description names
/// all of the role's sources, e.g. "Testing: assigned directly; from group
/// QA team".
#[component]
pub fn RoleChips(
    roles: Vec<EffectiveRole>,
    /// Makes the description ids unique on the page (e.g. "user-12").
    id_prefix: String,
    /// The role the list is filtered by: its chip is marked.
    matching: Option<String>,
) -> impl IntoView {
    if roles.is_empty() {
        return view! { <span class="muted">"No roles"</span> }.into_any();
    }
    let chips = roles
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let matched = matching.as_deref() == Some(role.role.as_str());
            view! {
                <RoleChip
                    role=role
                    description_id=format!("{id_prefix}-role-{i}")
                    matched=matched
                />
            }
        })
        .collect_view();
    view! { <ul class="chips">{chips}</ul> }.into_any()
}
