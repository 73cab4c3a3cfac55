//! Deterministic demo data for `seed-demo`: realistic names from fixed
//! lists, unique emails, groups with role sets, memberships, agents and a
//! few archived users. The same input always gives the same plan.

use crate::storage::{DemoGroup, DemoPlan, DemoUser};

const FIRST_NAMES: [&str; 48] = [
    "Aarav",
    "Ada",
    "Aiko",
    "Alejandro",
    "Amara",
    "Anna",
    "Ben",
    "Carmen",
    "Chen",
    "Chloe",
    "Daniel",
    "Diego",
    "Elena",
    "Emeka",
    "Emma",
    "Farah",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Isaac",
    "Jamal",
    "John",
    "Julia",
    "Kai",
    "Kenji",
    "Lars",
    "Leila",
    "Liam",
    "Lucia",
    "Maya",
    "Mei",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olga",
    "Omar",
    "Priya",
    "Rafael",
    "Rosa",
    "Sara",
    "Sofia",
    "Tariq",
    "Thomas",
    "Uma",
    "Victor",
    "Yusuf",
    "Zoë",
];

const LAST_NAMES: [&str; 52] = [
    "Abe",
    "Adeyemi",
    "Alvarez",
    "Andersson",
    "Bauer",
    "Becker",
    "Brown",
    "Chen",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Gupta",
    "Hansen",
    "Hernandez",
    "Ivanova",
    "Jensen",
    "Johnson",
    "Kim",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Lee",
    "Lopez",
    "Martin",
    "Miller",
    "Moreau",
    "Müller",
    "Nakamura",
    "Nguyen",
    "Novak",
    "O'Brien",
    "Okafor",
    "Park",
    "Patel",
    "Popescu",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Wang",
    "Weber",
    "Williams",
    "Wilson",
    "Yamamoto",
    "Zhang",
];

const AGENT_NAMES: [&str; 12] = [
    "Support bot",
    "Billing assistant",
    "HR helpdesk",
    "IT service desk",
    "Order tracker",
    "Travel concierge",
    "Onboarding guide",
    "Claims assistant",
    "Store locator",
    "Appointment scheduler",
    "FAQ bot",
    "Survey bot",
];

/// Groups: name, description, roles. "Reviewers" holds one active user in
/// ten (100,000 at a million users: the size the benchmark's group
/// figures are targeted at); the others about one in six.
const GROUPS: [(&str, &str, &[&str]); 9] = [
    (
        "Administrators",
        "People who manage users and settings",
        &["Settings"],
    ),
    ("Analytics", "Usage reports and dashboards", &[]),
    ("Builders", "Agent developers", &["Development"]),
    (
        "Conversation designers",
        "Design and test dialogs",
        &["Development", "Testing"],
    ),
    (
        "Platform ops",
        "Run staging and production",
        &["Staging", "Production"],
    ),
    ("QA team", "Test agents before release", &["Testing"]),
    (
        "Release managers",
        "Promote agents through the stages",
        &["Testing", "Staging", "Production"],
    ),
    ("Support", "Customer support staff", &[]),
    ("Reviewers", "Review agents' conversations", &[]),
];

const PROVIDERS: [&str; 4] = ["Avaamo", "Azure AD", "Google", "Okta"];

fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'ë' => Some('e'),
            'ü' => Some('u'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// `count` users numbered from `first_number` (emails stay unique across runs).
pub fn plan(count: usize, first_number: i64) -> DemoPlan {
    let groups = GROUPS
        .iter()
        .map(|(name, description, roles)| DemoGroup {
            name: (*name).to_string(),
            description: (*description).to_string(),
            roles: roles.iter().map(|r| (*r).to_string()).collect(),
        })
        .collect();
    let users = (0..count)
        .map(|i| {
            let n = first_number + i as i64;
            // Co-prime strides walk every first/last pairing before repeating.
            let first = FIRST_NAMES[(i * 7 + i / 311) % FIRST_NAMES.len()];
            let last = LAST_NAMES[(i * 11 + i / 48) % LAST_NAMES.len()];
            let email = format!(
                "{}.{}.{n}@acme.example",
                ascii_slug(first),
                ascii_slug(last)
            );
            let archived = i % 20 == 13;
            let mut roles = Vec::new();
            if i % 3 == 0 {
                roles.push("Development".to_string());
            }
            if i % 7 == 1 {
                roles.push("Testing".to_string());
            }
            if i % 29 == 5 {
                roles.push("Production".to_string());
            }
            let mut member_of = Vec::new();
            if i % 250 == 17 {
                member_of.push(0); // Administrators: a few
            }
            if i % 10 == 4 {
                member_of.push(8); // Reviewers: never archived (i % 20 is 4 or 14)
            }
            match i % 6 {
                0 => member_of.push(2),
                1 => member_of.extend([3, 5]),
                2 => member_of.push(4),
                3 => member_of.push(6),
                4 => member_of.push(7),
                _ => member_of.push(1),
            }
            let agents = if archived || i % 9 != 4 {
                Vec::new()
            } else {
                (0..1 + i % 3)
                    .map(|k| {
                        format!(
                            "{} {}",
                            AGENT_NAMES[(i + k) % AGENT_NAMES.len()],
                            n * 10 + k as i64
                        )
                    })
                    .collect()
            };
            DemoUser {
                first_name: first.to_string(),
                last_name: last.to_string(),
                email,
                identity_provider: PROVIDERS[if i % 10 < 7 { 0 } else { 1 + i % 3 }].to_string(),
                roles,
                groups: member_of,
                agents,
                archived,
            }
        })
        .collect();
    DemoPlan { groups, users }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_deterministic_and_emails_unique() {
        let a = plan(1000, 5);
        let b = plan(1000, 5);
        let emails: std::collections::HashSet<_> =
            a.users.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(emails.len(), 1000);
        assert_eq!(a.users[17].email, b.users[17].email);
        assert!((6..=10).contains(&a.groups.len()));
        let archived = a.users.iter().filter(|u| u.archived).count();
        assert_eq!(archived, 50);
        assert!(a.users.iter().any(|u| !u.agents.is_empty()));
        assert!(a
            .users
            .iter()
            .all(|u| u.groups.iter().all(|g| *g < a.groups.len())));
    }
}
