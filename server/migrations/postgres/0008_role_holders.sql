-- Effective roles for the access review at scale; the same design as the
-- SQLite backend's migration 0009 (see there): role_holders, one row per
-- (user, role) held by any source with `direct`, `via_groups` and copies of
-- the user's company, status and keys, indexed in the users list's order
-- per role (and per source with partial indexes); role_counts per tab and
-- source; role_gram_counts of the active holders per role and source.
-- Everything moves per statement over the transition tables (a role given
-- to a group of 100,000 members is one upsert of their rows, then one
-- update of the counts). seed-demo sets users.bulk_load for its
-- transaction and fills the three tables itself.

CREATE TABLE role_holders (
    user_id    BIGINT NOT NULL,
    role_id    BIGINT NOT NULL,
    company_id BIGINT NOT NULL,
    direct     INTEGER NOT NULL DEFAULT 0,
    via_groups INTEGER NOT NULL DEFAULT 0,
    status     TEXT COLLATE "C" NOT NULL,
    sort_key   TEXT COLLATE "C" NOT NULL,
    email_key  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, role_id)
);

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
CREATE INDEX role_holders_direct
    ON role_holders (company_id, role_id, status, sort_key, email_key, user_id) WHERE direct = 1;
CREATE INDEX role_holders_from_groups
    ON role_holders (company_id, role_id, status, sort_key, email_key, user_id) WHERE via_groups > 0;

-- The sources a holder counts under.
CREATE TABLE role_sources (source TEXT COLLATE "C" PRIMARY KEY);
INSERT INTO role_sources (source) VALUES ('any'), ('direct'), ('group');

CREATE TABLE role_counts (
    company_id BIGINT NOT NULL,
    role_id    BIGINT NOT NULL,
    status     TEXT COLLATE "C" NOT NULL,
    source     TEXT COLLATE "C" NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (company_id, role_id, status, source)
);

CREATE TABLE role_gram_counts (
    company_id BIGINT NOT NULL,
    role_id    BIGINT NOT NULL,
    source     TEXT COLLATE "C" NOT NULL,
    gram       TEXT COLLATE "C" NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (company_id, role_id, source, gram)
);

INSERT INTO role_counts (company_id, role_id, status, source, n)
    SELECT h.company_id, h.role_id, h.status, s.source, COUNT(*)
    FROM role_holders h JOIN role_sources s
      ON s.source = 'any' OR (s.source = 'direct' AND h.direct = 1)
      OR (s.source = 'group' AND h.via_groups > 0)
    GROUP BY h.company_id, h.role_id, h.status, s.source;

-- Filled by the server at its next start, as on SQLite (one pass over
-- the holders instead of aggregating every holder's grams here).
INSERT INTO settings (name, value) VALUES ('role_gram_counts_pending', 'fill at start-up');

-- The counts follow the holder rows a statement inserted, changed (only
-- those whose sources, status or keys moved) or removed. Static SQL
-- throughout (each branch written out), so every statement's plan is
-- cached for the session: a dynamic EXECUTE was planned at every write.
CREATE FUNCTION role_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('users.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO role_counts AS c (company_id, role_id, status, source, n)
            SELECT r.company_id, r.role_id, r.status, s.source, SUM(r.d)
            FROM (SELECT company_id, role_id, direct, via_groups, status, sort_key, email_key, 1 AS d FROM new_rows) r
            JOIN role_sources s
              ON s.source = 'any' OR (s.source = 'direct' AND r.direct = 1)
              OR (s.source = 'group' AND r.via_groups > 0)
            GROUP BY r.company_id, r.role_id, r.status, s.source HAVING SUM(r.d) <> 0
            ON CONFLICT (company_id, role_id, status, source) DO UPDATE SET n = c.n + excluded.n;
        INSERT INTO role_gram_counts AS c (company_id, role_id, source, gram, n)
            SELECT r.company_id, r.role_id, s.source, g, SUM(r.d)
            FROM (SELECT company_id, role_id, direct, via_groups, status, sort_key, email_key, 1 AS d FROM new_rows) r
            JOIN role_sources s
              ON s.source = 'any' OR (s.source = 'direct' AND r.direct = 1)
              OR (s.source = 'group' AND r.via_groups > 0)
            CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
            WHERE r.status = 'active'
            GROUP BY r.company_id, r.role_id, s.source, g HAVING SUM(r.d) <> 0
            ON CONFLICT (company_id, role_id, source, gram) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO role_counts AS c (company_id, role_id, status, source, n)
            SELECT r.company_id, r.role_id, r.status, s.source, SUM(r.d)
            FROM (SELECT m.* FROM new_rows n JOIN old_rows o USING (user_id, role_id)
                  CROSS JOIN LATERAL (
                      SELECT n.company_id, n.role_id, n.direct, n.via_groups, n.status, n.sort_key, n.email_key, 1 AS d
                      UNION ALL
                      SELECT o.company_id, o.role_id, o.direct, o.via_groups, o.status, o.sort_key, o.email_key, -1
                  ) m
                  WHERE (o.direct, o.via_groups > 0, o.status, o.sort_key, o.email_key)
                        IS DISTINCT FROM (n.direct, n.via_groups > 0, n.status, n.sort_key, n.email_key)) r
            JOIN role_sources s
              ON s.source = 'any' OR (s.source = 'direct' AND r.direct = 1)
              OR (s.source = 'group' AND r.via_groups > 0)
            GROUP BY r.company_id, r.role_id, r.status, s.source HAVING SUM(r.d) <> 0
            ON CONFLICT (company_id, role_id, status, source) DO UPDATE SET n = c.n + excluded.n;
        INSERT INTO role_gram_counts AS c (company_id, role_id, source, gram, n)
            SELECT r.company_id, r.role_id, s.source, g, SUM(r.d)
            FROM (SELECT m.* FROM new_rows n JOIN old_rows o USING (user_id, role_id)
                  CROSS JOIN LATERAL (
                      SELECT n.company_id, n.role_id, n.direct, n.via_groups, n.status, n.sort_key, n.email_key, 1 AS d
                      UNION ALL
                      SELECT o.company_id, o.role_id, o.direct, o.via_groups, o.status, o.sort_key, o.email_key, -1
                  ) m
                  WHERE (o.direct, o.via_groups > 0, o.status, o.sort_key, o.email_key)
                        IS DISTINCT FROM (n.direct, n.via_groups > 0, n.status, n.sort_key, n.email_key)) r
            JOIN role_sources s
              ON s.source = 'any' OR (s.source = 'direct' AND r.direct = 1)
              OR (s.source = 'group' AND r.via_groups > 0)
            CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
            WHERE r.status = 'active'
            GROUP BY r.company_id, r.role_id, s.source, g HAVING SUM(r.d) <> 0
            ON CONFLICT (company_id, role_id, source, gram) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO role_counts AS c (company_id, role_id, status, source, n)
            SELECT r.company_id, r.role_id, r.status, s.source, SUM(r.d)
            FROM (SELECT company_id, role_id, direct, via_groups, status, sort_key, email_key, -1 AS d FROM old_rows) r
            JOIN role_sources s
              ON s.source = 'any' OR (s.source = 'direct' AND r.direct = 1)
              OR (s.source = 'group' AND r.via_groups > 0)
            GROUP BY r.company_id, r.role_id, r.status, s.source HAVING SUM(r.d) <> 0
            ON CONFLICT (company_id, role_id, status, source) DO UPDATE SET n = c.n + excluded.n;
        INSERT INTO role_gram_counts AS c (company_id, role_id, source, gram, n)
            SELECT r.company_id, r.role_id, s.source, g, SUM(r.d)
            FROM (SELECT company_id, role_id, direct, via_groups, status, sort_key, email_key, -1 AS d FROM old_rows) r
            JOIN role_sources s
              ON s.source = 'any' OR (s.source = 'direct' AND r.direct = 1)
              OR (s.source = 'group' AND r.via_groups > 0)
            CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
            WHERE r.status = 'active'
            GROUP BY r.company_id, r.role_id, s.source, g HAVING SUM(r.d) <> 0
            ON CONFLICT (company_id, role_id, source, gram) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER role_counts_insert AFTER INSERT ON role_holders
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_counts_apply();
CREATE TRIGGER role_counts_update AFTER UPDATE ON role_holders
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_counts_apply();
CREATE TRIGGER role_counts_delete AFTER DELETE ON role_holders
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_counts_apply();

-- Direct assignments, memberships (each role their group gives) and
-- group roles (each member of the group) move the holder rows: a gain
-- adds (direct = 1 for an assignment, groups = how many groups) to the
-- row; a loss takes it away first and then removes the rows left without
-- a source, so a row is never removed on a count another writer is moving.
CREATE FUNCTION role_holders_from_user_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('users.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO role_holders AS h (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
            SELECT u.id, g.role_id, u.company_id, MAX(g.direct), SUM(g.groups), u.status, u.sort_key, u.email_key
            FROM (SELECT user_id, role_id, 1 AS direct, 0 AS groups FROM new_rows) g JOIN users u ON u.id = g.user_id
            GROUP BY u.id, g.role_id
            ON CONFLICT (user_id, role_id) DO UPDATE
            SET direct = GREATEST(h.direct, excluded.direct), via_groups = h.via_groups + excluded.via_groups;
    ELSE
        UPDATE role_holders h
        SET direct = CASE WHEN l.direct = 1 THEN 0 ELSE h.direct END,
            via_groups = h.via_groups - l.groups
        FROM (SELECT user_id, role_id, MAX(direct) AS direct, SUM(groups) AS groups
              FROM (SELECT user_id, role_id, 1 AS direct, 0 AS groups FROM old_rows) c GROUP BY user_id, role_id) l
        WHERE h.user_id = l.user_id AND h.role_id = l.role_id;
        DELETE FROM role_holders h
        USING (SELECT DISTINCT user_id, role_id FROM (SELECT user_id, role_id, 1 AS direct, 0 AS groups FROM old_rows) c) l
        WHERE h.user_id = l.user_id AND h.role_id = l.role_id
          AND h.direct = 0 AND h.via_groups = 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER role_holders_insert AFTER INSERT ON user_roles
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_holders_from_user_roles();
CREATE TRIGGER role_holders_delete AFTER DELETE ON user_roles
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_holders_from_user_roles();

CREATE FUNCTION role_holders_from_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('users.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO role_holders AS h (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
            SELECT u.id, g.role_id, u.company_id, MAX(g.direct), SUM(g.groups), u.status, u.sort_key, u.email_key
            FROM (SELECT r.user_id, gr.role_id, 0 AS direct, 1 AS groups FROM new_rows r JOIN group_roles gr ON gr.group_id = r.group_id) g JOIN users u ON u.id = g.user_id
            GROUP BY u.id, g.role_id
            ON CONFLICT (user_id, role_id) DO UPDATE
            SET direct = GREATEST(h.direct, excluded.direct), via_groups = h.via_groups + excluded.via_groups;
    ELSE
        UPDATE role_holders h
        SET direct = CASE WHEN l.direct = 1 THEN 0 ELSE h.direct END,
            via_groups = h.via_groups - l.groups
        FROM (SELECT user_id, role_id, MAX(direct) AS direct, SUM(groups) AS groups
              FROM (SELECT r.user_id, gr.role_id, 0 AS direct, 1 AS groups FROM old_rows r JOIN group_roles gr ON gr.group_id = r.group_id) c GROUP BY user_id, role_id) l
        WHERE h.user_id = l.user_id AND h.role_id = l.role_id;
        DELETE FROM role_holders h
        USING (SELECT DISTINCT user_id, role_id FROM (SELECT r.user_id, gr.role_id, 0 AS direct, 1 AS groups FROM old_rows r JOIN group_roles gr ON gr.group_id = r.group_id) c) l
        WHERE h.user_id = l.user_id AND h.role_id = l.role_id
          AND h.direct = 0 AND h.via_groups = 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER role_holders_insert AFTER INSERT ON group_members
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_holders_from_members();
CREATE TRIGGER role_holders_delete AFTER DELETE ON group_members
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_holders_from_members();

CREATE FUNCTION role_holders_from_group_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('users.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO role_holders AS h (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
            SELECT u.id, g.role_id, u.company_id, MAX(g.direct), SUM(g.groups), u.status, u.sort_key, u.email_key
            FROM (SELECT gm.user_id, r.role_id, 0 AS direct, 1 AS groups FROM new_rows r JOIN group_members gm ON gm.group_id = r.group_id) g JOIN users u ON u.id = g.user_id
            GROUP BY u.id, g.role_id
            ON CONFLICT (user_id, role_id) DO UPDATE
            SET direct = GREATEST(h.direct, excluded.direct), via_groups = h.via_groups + excluded.via_groups;
    ELSE
        UPDATE role_holders h
        SET direct = CASE WHEN l.direct = 1 THEN 0 ELSE h.direct END,
            via_groups = h.via_groups - l.groups
        FROM (SELECT user_id, role_id, MAX(direct) AS direct, SUM(groups) AS groups
              FROM (SELECT gm.user_id, r.role_id, 0 AS direct, 1 AS groups FROM old_rows r JOIN group_members gm ON gm.group_id = r.group_id) c GROUP BY user_id, role_id) l
        WHERE h.user_id = l.user_id AND h.role_id = l.role_id;
        DELETE FROM role_holders h
        USING (SELECT DISTINCT user_id, role_id FROM (SELECT gm.user_id, r.role_id, 0 AS direct, 1 AS groups FROM old_rows r JOIN group_members gm ON gm.group_id = r.group_id) c) l
        WHERE h.user_id = l.user_id AND h.role_id = l.role_id
          AND h.direct = 0 AND h.via_groups = 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER role_holders_insert AFTER INSERT ON group_roles
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_holders_from_group_roles();
CREATE TRIGGER role_holders_delete AFTER DELETE ON group_roles
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION role_holders_from_group_roles();

-- A user's status, name or email change reaches the copies.
CREATE FUNCTION users_to_role_holders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE role_holders SET status = NEW.status, sort_key = NEW.sort_key, email_key = NEW.email_key
    WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_to_role_holders AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.sort_key IS DISTINCT FROM NEW.sort_key
          OR OLD.email_key IS DISTINCT FROM NEW.email_key)
    EXECUTE FUNCTION users_to_role_holders();
