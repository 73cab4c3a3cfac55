//! A group's member pages against brute force, with each plan forced:
//! the sparse single pass and the count-then-walk, for searches that match
//! nothing, a few or most members, on every page and past the end.

use users_api::validation::ValidNewUser;
use users_api::{Email, GroupMember, PersonName};

use crate::crypto::{TokenCrypto, TokenKey};
use crate::storage::{SqliteStore, Store};

#[tokio::test]
async fn both_member_plans_agree_with_brute_force() {
    let dir = tempfile::tempdir().unwrap();
    let crypto = TokenCrypto::new(&TokenKey::generate().unwrap());
    let sqlite = SqliteStore::open_file(&dir.path().join("users.db"), crypto)
        .await
        .unwrap();
    let store = Store::Sqlite(sqlite.clone());
    let admin = ValidNewUser {
        first_name: PersonName::parse("Ada").unwrap(),
        last_name: PersonName::parse("Admin").unwrap(),
        email: Email::parse("admin@acme.example").unwrap(),
        identity_provider: "Avaamo".into(),
        roles: vec!["Settings".into()],
    };
    let company = store.create_admin("Acme", &admin).await.unwrap().company_id;
    sqlite
        .seed_demo("Acme", |first| crate::seed::plan(900, first))
        .await
        .unwrap();
    // The seed's "Builders" group: about one user in six.
    let mut tx = store.begin_read().await.unwrap();
    let (_, groups) = tx.groups_page(company, "builders", 0, 10).await.unwrap();
    let group = groups[0].clone();
    assert!(group.member_count > 100, "{group:?}");
    let mut everyone: Vec<GroupMember> = Vec::new();
    for page in 0.. {
        let (total, members) = tx.members_page(&group, "", page * 100, 100).await.unwrap();
        assert_eq!(total, group.member_count);
        if members.is_empty() {
            break;
        }
        everyone.extend(members);
    }
    assert_eq!(everyone.len() as u64, group.member_count);
    for needle in ["a", "an", "son", "ovak", "qqq", "example", "zz9", "e"] {
        let matching: Vec<&GroupMember> = everyone
            .iter()
            .filter(|m| {
                let name = users_api::identity::name_key(&m.first_name, &m.last_name);
                name.contains(needle) || users_api::identity::email_key(&m.email).contains(needle)
            })
            .collect();
        for per_page in [7u32, 25] {
            for page in 0..(matching.len() as u64 / u64::from(per_page) + 2) {
                let offset = page * u64::from(per_page);
                let want: Vec<i64> = matching
                    .iter()
                    .skip(offset as usize)
                    .take(per_page as usize)
                    .map(|m| m.id)
                    .collect();
                for sparse in [0, u64::MAX] {
                    let (total, found) = tx
                        .planned_members_page(&group, needle, (offset, per_page), sparse)
                        .await
                        .unwrap();
                    let ids: Vec<i64> = found.iter().map(|m| m.id).collect();
                    assert_eq!(
                        (total, ids),
                        (matching.len() as u64, want.clone()),
                        "{needle:?} offset {offset} per page {per_page} sparse bound {sparse}"
                    );
                }
            }
        }
    }
    tx.commit().await.unwrap();
}
