//! Building an in-memory company for a test or demo (groups, users one by
//! one or as a deterministic crowd, agents, archived users, directory mode)
//! and reading back what the API would show.

use users_api::{Directory, UserDetail, UserId, UserStatus};

use super::groups::StoredGroup;
use super::store::{NewStoredUser, StoredAgent};
use super::{MemoryClient, PROVIDERS};

/// Deterministic first and last names for [`MemoryClient::seed_people`].
const FIRST_NAMES: [&str; 16] = [
    "Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jonas", "Kemal",
    "Lena", "Mateo", "Nora", "Omar", "Priya",
];
const LAST_NAMES: [&str; 12] = [
    "Novak", "Okafor", "Park", "Quinn", "Rossi", "Sato", "Tanaka", "Umar", "Varga", "Weber", "Xu",
    "Young",
];

impl MemoryClient {
    /// Adds a group holding `roles`; returns its id.
    pub fn add_group(&self, name: &str, roles: &[&str]) -> i64 {
        let mut store = self.store.borrow_mut();
        let (id, now) = (store.id(), store.now());
        let roles = store
            .role_names()
            .into_iter()
            .filter(|r| roles.contains(&r.as_str()))
            .collect();
        store.groups.push(StoredGroup {
            id,
            name: name.to_string(),
            description: String::new(),
            roles,
            version: 1,
            created_at: now.clone(),
            updated_at: now,
        });
        id
    }

    /// Adds an active user with direct `roles` and membership of `groups`
    /// (identity provider "Email"); returns their id.
    pub fn add_user(
        &self,
        first_name: &str,
        last_name: &str,
        email: &str,
        roles: &[&str],
        groups: &[i64],
    ) -> UserId {
        let mut store = self.store.borrow_mut();
        store.insert_active_user(NewStoredUser {
            first_name: first_name.to_string(),
            last_name: last_name.to_string(),
            email: email.to_string(),
            identity_provider: PROVIDERS[0].to_string(),
            direct_roles: roles.iter().map(|r| r.to_string()).collect(),
            groups: groups.to_vec(),
        })
    }

    /// Adds `count` active users with deterministic names ("Ada Novak 1"…)
    /// and the Development role.
    pub fn seed_people(&self, count: usize) {
        for i in 0..count {
            let first = FIRST_NAMES[i % FIRST_NAMES.len()];
            let last = LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()];
            let n = i / (FIRST_NAMES.len() * LAST_NAMES.len());
            let last = if n == 0 {
                last.to_string()
            } else {
                format!("{last} {n}")
            };
            let email = format!(
                "{}.{}{}@example.com",
                first.to_lowercase(),
                last.to_lowercase().replace(' ', ""),
                i
            );
            self.add_user(first, &last, &email, &["Development"], &[]);
        }
    }

    /// Gives `owner` an agent; returns its id.
    pub fn add_agent(&self, owner: UserId, name: &str) -> i64 {
        let mut store = self.store.borrow_mut();
        let id = store.id();
        store.agents.push(StoredAgent {
            id,
            name: name.to_string(),
            owner,
        });
        id
    }

    /// Archives a user directly (no checks), as if deleted earlier.
    pub fn archive(&self, id: UserId) {
        let mut store = self.store.borrow_mut();
        let now = store.now();
        if let Ok(user) = store.user_mut(id) {
            user.status = UserStatus::Archived;
            user.archived_at = Some(now);
            user.version += 1;
        }
    }

    /// Puts the company's users under a directory (`Some("Azure AD")`) or not.
    pub fn set_directory(&self, provider: Option<&str>) {
        self.store.borrow_mut().company.directory = provider.map(|p| Directory {
            provider: p.to_string(),
        });
    }

    /// The user's current access token.
    pub fn token_of(&self, id: UserId) -> String {
        self.store
            .borrow()
            .user(id)
            .map(|u| u.token.clone())
            .unwrap_or_default()
    }

    /// The user as the API would show them now.
    pub fn user(&self, id: UserId) -> Option<UserDetail> {
        self.store.borrow().detail_of(id).ok()
    }
}
