//! Recounts: every count and copy the triggers keep (groups' members,
//! effective roles, identity providers' totals) against the same figures
//! computed from the base tables, on either backend.

use crate::common::TestServer;

/// The rows of `truth` and of `kept` are the same (both ways round).
async fn assert_same(s: &TestServer, what: &str, truth: &str, kept: &str) {
    let drift = s
        .database
        .count(&format!(
            "SELECT COUNT(*) FROM (SELECT * FROM ({truth}) AS t EXCEPT SELECT * FROM ({kept}) AS k) AS missing"
        ))
        .await
        + s.database
            .count(&format!(
                "SELECT COUNT(*) FROM (SELECT * FROM ({kept}) AS k EXCEPT SELECT * FROM ({truth}) AS t) AS extra"
            ))
            .await;
    assert_eq!(drift, 0, "{what} drifted from a recount");
}

/// Each group's stored member count, member copies and gram counts
/// against a recount of its active members.
pub(crate) async fn assert_counts_exact(s: &TestServer) {
    let drift = s
        .database
        .count(
            "SELECT COUNT(*) FROM user_groups g
             WHERE g.member_count <> (SELECT COUNT(*) FROM group_members gm JOIN users u ON u.id = gm.user_id
                                      WHERE gm.group_id = g.id AND u.status = 'active')
                OR EXISTS (SELECT 1 FROM group_members gm JOIN users u ON u.id = gm.user_id
                           WHERE gm.group_id = g.id AND (gm.status <> u.status
                                 OR gm.sort_key <> u.sort_key OR gm.email_key <> u.email_key))",
        )
        .await;
    assert_eq!(drift, 0, "stored member counts or member copies drifted");
    // Each group's gram counts against a recount of its active members.
    let truth = if s.database.is_postgres() {
        "SELECT gm.group_id, g AS gram, COUNT(*) AS n
         FROM group_members gm CROSS JOIN LATERAL user_grams(gm.sort_key, gm.email_key) AS g
         WHERE gm.status = 'active' GROUP BY gm.group_id, g"
    } else {
        "SELECT group_id, gram, COUNT(*) AS n FROM (
             SELECT DISTINCT gm.group_id, gm.user_id, substr(t.v, p.n, l.n) AS gram
             FROM group_members gm
             JOIN (SELECT id, sort_key AS v FROM users UNION ALL SELECT id, email_key FROM users) t
               ON t.id = gm.user_id
             JOIN search_positions l ON l.n <= 3
             JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
             WHERE gm.status = 'active') AS grams
         GROUP BY group_id, gram"
    };
    let stored = "SELECT group_id, gram, n FROM group_gram_counts WHERE n <> 0";
    assert_same(s, "group gram counts", truth, stored).await;
    assert_role_holders_exact(s).await;
    assert_provider_counts_exact(s).await;
}

/// The effective roles kept by triggers (`role_holders`, `role_counts`,
/// `role_gram_counts`) against a recount from the assignments, the
/// memberships and the groups' roles.
pub(crate) async fn assert_role_holders_exact(s: &TestServer) {
    let holders = "SELECT u.id AS user_id, h.role_id, u.company_id, MAX(h.direct) AS direct,
                          SUM(h.via) AS via_groups, CAST(u.status AS TEXT) AS status,
                          u.sort_key, u.email_key
                   FROM (SELECT user_id, role_id, 1 AS direct, 0 AS via FROM user_roles
                         UNION ALL
                         SELECT gm.user_id, gr.role_id, 0, 1 FROM group_members gm
                         JOIN group_roles gr ON gr.group_id = gm.group_id) h
                   JOIN users u ON u.id = h.user_id
                   GROUP BY u.id, h.role_id, u.company_id, u.status, u.sort_key, u.email_key";
    let stored =
        "SELECT user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key
                  FROM role_holders";
    let sources =
        "JOIN role_sources s ON s.source = 'any' OR (s.source = 'direct' AND h.direct = 1)
                   OR (s.source = 'group' AND h.via_groups > 0)";
    let counts = format!(
        "SELECT h.company_id, h.role_id, h.status, s.source, COUNT(*) AS n
         FROM ({holders}) h {sources} GROUP BY h.company_id, h.role_id, h.status, s.source"
    );
    let stored_counts =
        "SELECT company_id, role_id, status, source, n FROM role_counts WHERE n <> 0";
    let grams = if s.database.is_postgres() {
        format!(
            "SELECT h.company_id, h.role_id, s.source, g AS gram, COUNT(*) AS n
             FROM ({holders}) h {sources} CROSS JOIN LATERAL user_grams(h.sort_key, h.email_key) AS g
             WHERE h.status = 'active' GROUP BY h.company_id, h.role_id, s.source, g"
        )
    } else {
        format!(
            "SELECT company_id, role_id, source, gram, COUNT(*) AS n FROM (
                 SELECT DISTINCT h.company_id, h.role_id, s.source, h.user_id, substr(t.v, p.n, l.n) AS gram
                 FROM ({holders}) h {sources}
                 JOIN (SELECT id, sort_key AS v FROM users UNION ALL SELECT id, email_key FROM users) t
                   ON t.id = h.user_id
                 JOIN search_positions l ON l.n <= 3
                 JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
                 WHERE h.status = 'active') AS grams
             GROUP BY company_id, role_id, source, gram"
        )
    };
    let stored_grams =
        "SELECT company_id, role_id, source, gram, n FROM role_gram_counts WHERE n <> 0";
    assert_same(s, "role holders", holders, stored).await;
    assert_same(s, "role counts", &counts, stored_counts).await;
    assert_same(s, "role gram counts", &grams, stored_grams).await;
}

/// The identity providers' kept totals (`provider_counts`,
/// `provider_gram_counts`) against a recount of the users.
pub(crate) async fn assert_provider_counts_exact(s: &TestServer) {
    let counts = "SELECT company_id, identity_provider_id, CAST(status AS TEXT), COUNT(*) AS n
                  FROM users GROUP BY company_id, identity_provider_id, status";
    let stored = "SELECT company_id, provider_id, status, n FROM provider_counts WHERE n <> 0";
    assert_same(s, "provider counts", counts, stored).await;
    let grams = if s.database.is_postgres() {
        "SELECT u.company_id, u.identity_provider_id, CAST(u.status AS TEXT), g AS gram, COUNT(*) AS n
         FROM users u CROSS JOIN LATERAL user_grams(u.sort_key, u.email_key) AS g
         GROUP BY u.company_id, u.identity_provider_id, u.status, g"
    } else {
        "SELECT company_id, identity_provider_id, status, gram, COUNT(*) AS n FROM (
             SELECT DISTINCT u.company_id, u.identity_provider_id, u.status, u.id,
                    substr(t.v, p.n, l.n) AS gram
             FROM users u
             JOIN (SELECT id, sort_key AS v FROM users UNION ALL SELECT id, email_key FROM users) t
               ON t.id = u.id
             JOIN search_positions l ON l.n <= 3
             JOIN search_positions p ON p.n <= length(t.v) - l.n + 1) AS grams
         GROUP BY company_id, identity_provider_id, status, gram"
    };
    let stored =
        "SELECT company_id, provider_id, status, gram, n FROM provider_gram_counts WHERE n <> 0";
    assert_same(s, "provider gram counts", grams, stored).await;
}
