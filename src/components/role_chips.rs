use leptos::prelude::*;
use users_api::EffectiveRole;

/// One chip per effective role. A chip of a role that comes from groups
/// says so ("via QA team"); every chip's accessible description names all
/// of the role's sources, e.g. "Testing: assigned directly; from group QA team".
#[component]
pub fn RoleChips(
    roles: Vec<EffectiveRole>,
    /// Makes the description ids unique on the page (e.g. "user-12").
    id_prefix: String,
) -> impl IntoView {
    if roles.is_empty() {
        return view! { <span class="muted">"No roles"</span> }.into_any();
    }
    let chips = roles
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let description_id = format!("{id_prefix}-role-{i}");
            let description = role.describe();
            let groups: Vec<String> = role.groups().map(|g| g.name.clone()).collect();
            let direct = role.is_direct();
            let via = match groups.as_slice() {
                [] => None,
                [one] => Some(format!("via {one}")),
                [first, rest @ ..] => Some(format!("via {first} +{}", rest.len())),
            };
            let class = if direct { "chip chip-direct" } else { "chip chip-group" };
            view! {
                <li>
                    <span class=class aria-describedby=description_id.clone() title=description.clone()>
                        <span class="chip-role">{role.role.clone()}</span>
                        {via.map(|via| view! { " " <span class="chip-via">{via}</span> })}
                    </span>
                    <span id=description_id hidden>{description}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="chips">{chips}</ul> }.into_any()
}
