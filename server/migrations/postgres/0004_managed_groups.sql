-- Groups managed through the API at scale; the same design as the SQLite
-- backend's migration 0005 (see there): a folded, unique name key, a
-- version, timestamps and an exact active member_count on user_groups;
-- copies of each member's status, sort key and email key on group_members
-- so one group's active members are one range of an index in the users
-- list's order; per-group gram counts of the active members (exact totals
-- for member searches of up to three characters); audit rows that can name
-- their group. Counts move per
-- statement over the transition tables, so a bulk insert of memberships
-- costs one update per group, not one per row.

ALTER TABLE user_groups ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE user_groups ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE user_groups ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE user_groups ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
ALTER TABLE user_groups ADD COLUMN updated_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
-- Set while a group is being deleted: its gram counts go with it at once
-- instead of moving for each membership.
ALTER TABLE user_groups ADD COLUMN deleting BOOLEAN NOT NULL DEFAULT false;
UPDATE user_groups SET name_key = lower(name);
CREATE UNIQUE INDEX user_groups_name_key ON user_groups (company_id, name_key);

ALTER TABLE group_members ADD COLUMN status TEXT COLLATE "C";
ALTER TABLE group_members ADD COLUMN sort_key TEXT COLLATE "C";
ALTER TABLE group_members ADD COLUMN email_key TEXT COLLATE "C";
UPDATE group_members gm SET status = u.status, sort_key = u.sort_key, email_key = u.email_key
    FROM users u WHERE u.id = gm.user_id;
CREATE INDEX group_members_list ON group_members (group_id, status, sort_key, email_key, user_id);

UPDATE user_groups g SET member_count = (
    SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = g.id AND gm.status = 'active');

CREATE TABLE group_gram_counts (
    group_id BIGINT NOT NULL,
    gram     TEXT COLLATE "C" NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (group_id, gram)
);

INSERT INTO group_gram_counts (group_id, gram, n)
    SELECT gm.group_id, g, COUNT(*)
    FROM group_members gm CROSS JOIN LATERAL user_grams(gm.sort_key, gm.email_key) AS g
    WHERE gm.status = 'active'
    GROUP BY gm.group_id, g;

-- seed-demo sets users.bulk_load for its transaction and writes the
-- counts itself, from the rows it loads.
CREATE FUNCTION group_gram_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('users.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO group_gram_counts (group_id, gram, n)
            SELECT r.group_id, g, COUNT(*)
            FROM new_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
            WHERE r.status = 'active'
            GROUP BY r.group_id, g
            ON CONFLICT (group_id, gram) DO UPDATE SET n = group_gram_counts.n + excluded.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO group_gram_counts (group_id, gram, n)
            SELECT group_id, gram, SUM(d) FROM (
                SELECT r.group_id, g AS gram, 1 AS d
                FROM new_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
                WHERE r.status = 'active'
                UNION ALL
                SELECT r.group_id, g, -1
                FROM old_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
                WHERE r.status = 'active'
            ) AS moved
            GROUP BY group_id, gram HAVING SUM(d) <> 0
            ON CONFLICT (group_id, gram) DO UPDATE SET n = group_gram_counts.n + excluded.n;
    ELSE
        UPDATE group_gram_counts c SET n = c.n - gone.n
            FROM (SELECT r.group_id, g AS gram, COUNT(*) AS n
                  FROM old_rows r
                  JOIN user_groups ug ON ug.id = r.group_id AND NOT ug.deleting
                  CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
                  WHERE r.status = 'active'
                  GROUP BY r.group_id, g) AS gone
            WHERE c.group_id = gone.group_id AND c.gram = gone.gram;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER group_gram_counts_insert AFTER INSERT ON group_members
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION group_gram_counts_apply();
CREATE TRIGGER group_gram_counts_update AFTER UPDATE ON group_members
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION group_gram_counts_apply();
CREATE TRIGGER group_gram_counts_delete AFTER DELETE ON group_members
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION group_gram_counts_apply();

CREATE FUNCTION group_members_copy_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS NULL THEN
        SELECT u.status, u.sort_key, u.email_key INTO NEW.status, NEW.sort_key, NEW.email_key
        FROM users u WHERE u.id = NEW.user_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER group_members_copy_user BEFORE INSERT ON group_members
    FOR EACH ROW EXECUTE FUNCTION group_members_copy_user();

CREATE FUNCTION group_member_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE user_groups g SET member_count = g.member_count + d.n
        FROM (SELECT group_id, COUNT(*) AS n FROM new_rows WHERE status = 'active'
              GROUP BY group_id) d
        WHERE g.id = d.group_id;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE user_groups g SET member_count = g.member_count + d.n
        FROM (SELECT group_id, SUM(x) AS n FROM (
                  SELECT group_id, 1 AS x FROM new_rows WHERE status = 'active'
                  UNION ALL
                  SELECT group_id, -1 FROM old_rows WHERE status = 'active') moved
              GROUP BY group_id HAVING SUM(x) <> 0) d
        WHERE g.id = d.group_id;
    ELSE
        UPDATE user_groups g SET member_count = g.member_count - d.n
        FROM (SELECT group_id, COUNT(*) AS n FROM old_rows WHERE status = 'active'
              GROUP BY group_id) d
        WHERE g.id = d.group_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER group_member_counts_insert AFTER INSERT ON group_members
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION group_member_counts_apply();
CREATE TRIGGER group_member_counts_update AFTER UPDATE ON group_members
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION group_member_counts_apply();
CREATE TRIGGER group_member_counts_delete AFTER DELETE ON group_members
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION group_member_counts_apply();

CREATE FUNCTION users_to_group_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE group_members SET status = NEW.status, sort_key = NEW.sort_key, email_key = NEW.email_key
    WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_to_group_members AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.sort_key IS DISTINCT FROM NEW.sort_key
          OR OLD.email_key IS DISTINCT FROM NEW.email_key)
    EXECUTE FUNCTION users_to_group_members();

ALTER TABLE audit_log ADD COLUMN target_group_id BIGINT;
