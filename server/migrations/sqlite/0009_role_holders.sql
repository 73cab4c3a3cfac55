-- Effective roles for the access review at scale:
--
-- * role_holders: one row per (user, role) the user holds by any source,
--   with `direct` (assigned to the user) and `via_groups` (how many of the
--   user's groups give the role), and a copy of the user's company, status,
--   sort key and email key, so one role's holders in a tab are one range of
--   role_holders_list, already in the users list's order (and, with partial
--   indexes, the direct holders and the holders through a group).
-- * role_counts: how many users of a tab hold each role, per source
--   ('any', 'direct', 'group'): a role filter's exact total is one lookup.
-- * role_gram_counts: for each role and source, how many active holders
--   contain each 1-, 2- and 3-character gram of their sort key or email key
--   (as user_gram_counts per company and group_gram_counts per group): the
--   exact total of a role filter with a search of up to three characters.
--
-- Triggers keep all three exact in the writing transaction, whatever
-- writes: user_roles, group_members and group_roles move role_holders; a
-- user's status or keys reach the copies; role_holders moves the counts.
-- The price is paid when a role is given to (or taken from) a large group:
-- every member's row and gram counts move in that transaction.
-- seed-demo sets the triggers that insert aside and fills all three in bulk.

CREATE TABLE role_holders (
    user_id    INTEGER NOT NULL,
    role_id    INTEGER NOT NULL,
    company_id INTEGER NOT NULL,
    direct     INTEGER NOT NULL DEFAULT 0,
    via_groups INTEGER NOT NULL DEFAULT 0,
    status     TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    email_key  TEXT NOT NULL,
    PRIMARY KEY (user_id, role_id)
) WITHOUT ROWID;

INSERT INTO role_holders (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
    SELECT u.id, h.role_id, u.company_id, MAX(h.direct), SUM(h.via), u.status, u.sort_key, u.email_key
    FROM (SELECT user_id, role_id, 1 AS direct, 0 AS via FROM user_roles
          UNION ALL
          SELECT gm.user_id, gr.role_id, 0, 1
          FROM group_members gm JOIN group_roles gr ON gr.group_id = gm.group_id) h
    JOIN users u ON u.id = h.user_id
    GROUP BY u.id, h.role_id;

CREATE INDEX role_holders_list
    ON role_holders (company_id, role_id, status, sort_key, email_key, user_id);
-- The source's column ends each partial index: SQLite tests the index's
-- condition again on every row, and with the column in the index a walk
-- never leaves it (without: a lookup of the row each, 40 times slower).
CREATE INDEX role_holders_direct
    ON role_holders (company_id, role_id, status, sort_key, email_key, user_id, direct)
    WHERE direct = 1;
CREATE INDEX role_holders_from_groups
    ON role_holders (company_id, role_id, status, sort_key, email_key, user_id, via_groups)
    WHERE via_groups > 0;

-- The sources a holder counts under.
CREATE TABLE role_sources (source TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO role_sources (source) VALUES ('any'), ('direct'), ('group');

CREATE TABLE role_counts (
    company_id INTEGER NOT NULL,
    role_id    INTEGER NOT NULL,
    status     TEXT NOT NULL,
    source     TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (company_id, role_id, status, source)
) WITHOUT ROWID;

INSERT INTO role_counts (company_id, role_id, status, source, n)
    SELECT h.company_id, h.role_id, h.status, s.source, COUNT(*)
    FROM role_holders h JOIN role_sources s
      ON s.source = 'any' OR (s.source = 'direct' AND h.direct = 1)
      OR (s.source = 'group' AND h.via_groups > 0)
    GROUP BY h.company_id, h.role_id, h.status, s.source;

CREATE TABLE role_gram_counts (
    company_id INTEGER NOT NULL,
    role_id    INTEGER NOT NULL,
    source     TEXT NOT NULL,
    gram       TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (company_id, role_id, source, gram)
) WITHOUT ROWID;

-- Filled by the server at its next start (storage::shared_sql::role_holders):
-- one pass over the holders in Rust, where a GROUP BY over every holder's
-- grams here would sort hundreds of millions of rows in memory.
INSERT INTO settings (name, value) VALUES ('role_gram_counts_pending', 'fill at start-up');

-- The counts follow each holder row (inserted, changed, removed).
CREATE TRIGGER role_holders_insert AFTER INSERT ON role_holders BEGIN
    INSERT INTO role_counts (company_id, role_id, status, source, n)
        SELECT new.company_id, new.role_id, new.status, s.source, 1 FROM role_sources s
        WHERE s.source = 'any' OR (s.source = 'direct' AND new.direct = 1)
           OR (s.source = 'group' AND new.via_groups > 0)
        ON CONFLICT (company_id, role_id, status, source) DO UPDATE SET n = n + 1;
    INSERT INTO role_gram_counts (company_id, role_id, source, gram, n)
        SELECT new.company_id, new.role_id, s.source, g.gram, 1
        FROM role_sources s, (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) g
        WHERE new.status = 'active' AND (s.source = 'any' OR (s.source = 'direct' AND new.direct = 1)
           OR (s.source = 'group' AND new.via_groups > 0))
        ON CONFLICT (company_id, role_id, source, gram) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER role_holders_delete AFTER DELETE ON role_holders BEGIN
    UPDATE role_counts SET n = n - 1
    WHERE company_id = old.company_id AND role_id = old.role_id AND status = old.status
      AND (source = 'any' OR (source = 'direct' AND old.direct = 1)
           OR (source = 'group' AND old.via_groups > 0));
    UPDATE role_gram_counts SET n = n - 1
    WHERE old.status = 'active' AND company_id = old.company_id AND role_id = old.role_id
      AND (source = 'any' OR (source = 'direct' AND old.direct = 1)
           OR (source = 'group' AND old.via_groups > 0))
      AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
END;

-- A change that moves no count (another group giving a role already given
-- by one) writes nothing more.
CREATE TRIGGER role_holders_update AFTER UPDATE ON role_holders
WHEN old.direct <> new.direct OR (old.via_groups > 0) <> (new.via_groups > 0)
  OR old.status <> new.status OR old.sort_key <> new.sort_key OR old.email_key <> new.email_key
BEGIN
    UPDATE role_counts SET n = n - 1
    WHERE company_id = old.company_id AND role_id = old.role_id AND status = old.status
      AND (source = 'any' OR (source = 'direct' AND old.direct = 1)
           OR (source = 'group' AND old.via_groups > 0));
    INSERT INTO role_counts (company_id, role_id, status, source, n)
        SELECT new.company_id, new.role_id, new.status, s.source, 1 FROM role_sources s
        WHERE s.source = 'any' OR (s.source = 'direct' AND new.direct = 1)
           OR (s.source = 'group' AND new.via_groups > 0)
        ON CONFLICT (company_id, role_id, status, source) DO UPDATE SET n = n + 1;
    UPDATE role_gram_counts SET n = n - 1
    WHERE old.status = 'active' AND company_id = old.company_id AND role_id = old.role_id
      AND (source = 'any' OR (source = 'direct' AND old.direct = 1)
           OR (source = 'group' AND old.via_groups > 0))
      AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
    INSERT INTO role_gram_counts (company_id, role_id, source, gram, n)
        SELECT new.company_id, new.role_id, s.source, g.gram, 1
        FROM role_sources s, (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) g
        WHERE new.status = 'active' AND (s.source = 'any' OR (s.source = 'direct' AND new.direct = 1)
           OR (s.source = 'group' AND new.via_groups > 0))
        ON CONFLICT (company_id, role_id, source, gram) DO UPDATE SET n = n + 1;
END;

-- A role assigned to the user.
CREATE TRIGGER user_roles_hold_insert AFTER INSERT ON user_roles BEGIN
    INSERT INTO role_holders (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
        SELECT u.id, new.role_id, u.company_id, 1, 0, u.status, u.sort_key, u.email_key
        FROM users u WHERE u.id = new.user_id
        ON CONFLICT (user_id, role_id) DO UPDATE SET direct = 1;
END;

CREATE TRIGGER user_roles_hold_delete AFTER DELETE ON user_roles BEGIN
    DELETE FROM role_holders
    WHERE user_id = old.user_id AND role_id = old.role_id AND via_groups = 0;
    UPDATE role_holders SET direct = 0 WHERE user_id = old.user_id AND role_id = old.role_id;
END;

-- A membership gives the user each of its group's roles.
CREATE TRIGGER group_members_hold_insert AFTER INSERT ON group_members BEGIN
    INSERT INTO role_holders (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
        SELECT u.id, gr.role_id, u.company_id, 0, 1, u.status, u.sort_key, u.email_key
        FROM group_roles gr JOIN users u ON u.id = new.user_id
        WHERE gr.group_id = new.group_id
        ON CONFLICT (user_id, role_id) DO UPDATE SET via_groups = via_groups + 1;
END;

CREATE TRIGGER group_members_hold_delete AFTER DELETE ON group_members BEGIN
    DELETE FROM role_holders
    WHERE user_id = old.user_id AND direct = 0 AND via_groups = 1
      AND role_id IN (SELECT role_id FROM group_roles WHERE group_id = old.group_id);
    UPDATE role_holders SET via_groups = via_groups - 1
    WHERE user_id = old.user_id
      AND role_id IN (SELECT role_id FROM group_roles WHERE group_id = old.group_id);
END;

-- A role given to a group reaches each of its members.
CREATE TRIGGER group_roles_hold_insert AFTER INSERT ON group_roles BEGIN
    INSERT INTO role_holders (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
        SELECT u.id, new.role_id, u.company_id, 0, 1, u.status, u.sort_key, u.email_key
        FROM group_members gm JOIN users u ON u.id = gm.user_id
        WHERE gm.group_id = new.group_id
        ON CONFLICT (user_id, role_id) DO UPDATE SET via_groups = via_groups + 1;
END;

CREATE TRIGGER group_roles_hold_delete AFTER DELETE ON group_roles BEGIN
    DELETE FROM role_holders
    WHERE role_id = old.role_id AND direct = 0 AND via_groups = 1
      AND user_id IN (SELECT user_id FROM group_members WHERE group_id = old.group_id);
    UPDATE role_holders SET via_groups = via_groups - 1
    WHERE role_id = old.role_id
      AND user_id IN (SELECT user_id FROM group_members WHERE group_id = old.group_id);
END;

-- A user's status, name or email change reaches the copies.
CREATE TRIGGER users_to_role_holders AFTER UPDATE OF status, sort_key, email_key ON users
WHEN old.status <> new.status OR old.sort_key <> new.sort_key OR old.email_key <> new.email_key
BEGIN
    UPDATE role_holders SET status = new.status, sort_key = new.sort_key, email_key = new.email_key
    WHERE user_id = new.id;
END;
