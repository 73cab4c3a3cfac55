use leptos::prelude::*;
use users_api::EffectiveRole;

/// One chip per effective role. A chip of a role that comes from groups
/// says so ("via QA team", the group's name linking to its page); every chip's accessible description names all
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
            let groups: Vec<(i64, String)> = role.groups().map(|g| (g.id, g.name.clone())).collect();
            let direct = role.is_direct();
            // "via <group>" links to the group's page; "+N" counts the others.
            let via = groups.first().map(|(id, name)| {
                let more = (groups.len() > 1).then(|| format!(" +{}", groups.len() - 1));
                view! {
                    " "
                    <span class="chip-via">
                        "via " <a href=format!("/groups/{id}")>{name.clone()}</a> {more}
                    </span>
                }
            });
            let class = if direct { "chip chip-direct" } else { "chip chip-group" };
            view! {
                <li>
                    <span class=class aria-describedby=description_id.clone() title=description.clone()>
                        <span class="chip-role">{role.role.clone()}</span>
                        {via}
                    </span>
                    <span id=description_id hidden>{description}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="chips">{chips}</ul> }.into_any()
}
