-- Groups managed through the API (create, rename, roles, members) at scale:
--
-- * user_groups gains a folded name key (unique per company: names differ
--   by more than case), a version (the ETag), timestamps and member_count,
--   the active members, so the groups list reads its counts instead of
--   counting members per request.
-- * group_members carries a copy of its user's status, sort key and email
--   key, so one group's active members are one range of the
--   group_members_list index, already in the users list's order: a page of
--   a 100,000-member group reads 25 index entries, not 100,000 users.
-- * group_gram_counts: for each group, how many active members contain
--   each 1-, 2- and 3-character gram of their sort key or email key (as
--   user_gram_counts does per company): a member search of up to three
--   characters reads its exact total here instead of counting the group's
--   members, and a longer one learns how rare its rarest trigram is.
-- * audit_log rows can name the group they are about.
--
-- Triggers keep the copies and the counts exact inside the writing
-- transaction, whichever statement writes (the API's flows, seed-demo's
-- bulk loader, the test set-up). Existing names get lower() as their key;
-- the server's writes use the full Unicode fold (users_api::identity::fold).

ALTER TABLE user_groups ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE user_groups ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE user_groups ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user_groups ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
ALTER TABLE user_groups ADD COLUMN updated_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00Z';
-- Set while a group is being deleted: its memberships then go without
-- moving its gram counts one by one (they go with it, all at once).
ALTER TABLE user_groups ADD COLUMN deleting INTEGER NOT NULL DEFAULT 0;
UPDATE user_groups SET name_key = lower(name);
CREATE UNIQUE INDEX user_groups_name_key ON user_groups (company_id, name_key);

ALTER TABLE group_members ADD COLUMN status TEXT;
ALTER TABLE group_members ADD COLUMN sort_key TEXT;
ALTER TABLE group_members ADD COLUMN email_key TEXT;
UPDATE group_members SET (status, sort_key, email_key) =
    (SELECT u.status, u.sort_key, u.email_key FROM users u WHERE u.id = group_members.user_id);
CREATE INDEX group_members_list ON group_members (group_id, status, sort_key, email_key, user_id);

UPDATE user_groups SET member_count = (
    SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = user_groups.id AND gm.status = 'active');

CREATE TABLE group_gram_counts (
    group_id INTEGER NOT NULL,
    gram     TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (group_id, gram)
) WITHOUT ROWID;

INSERT INTO group_gram_counts (group_id, gram, n)
    SELECT group_id, gram, COUNT(*) FROM (
        SELECT DISTINCT gm.group_id, gm.user_id, substr(t.v, p.n, l.n) AS gram
        FROM group_members gm
        JOIN (SELECT id, sort_key AS v FROM users UNION ALL SELECT id, email_key FROM users) t
          ON t.id = gm.user_id
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        WHERE gm.status = 'active'
    ) GROUP BY group_id, gram;

-- A membership inserted without the copies gets them from its user (the
-- count then moves through group_members_count_update).
CREATE TRIGGER group_members_copy_user AFTER INSERT ON group_members
WHEN new.status IS NULL BEGIN
    UPDATE group_members SET (status, sort_key, email_key) =
        (SELECT u.status, u.sort_key, u.email_key FROM users u WHERE u.id = new.user_id)
    WHERE group_id = new.group_id AND user_id = new.user_id;
END;

CREATE TRIGGER group_members_count_insert AFTER INSERT ON group_members
WHEN new.status = 'active' BEGIN
    UPDATE user_groups SET member_count = member_count + 1 WHERE id = new.group_id;
END;

CREATE TRIGGER group_members_count_update AFTER UPDATE OF status ON group_members
WHEN (old.status IS 'active') <> (new.status IS 'active') BEGIN
    UPDATE user_groups
    SET member_count = member_count + (CASE WHEN new.status IS 'active' THEN 1 ELSE -1 END)
    WHERE id = new.group_id;
END;

CREATE TRIGGER group_members_count_delete AFTER DELETE ON group_members
WHEN old.status = 'active' BEGIN
    UPDATE user_groups SET member_count = member_count - 1 WHERE id = old.group_id;
END;

-- Gram counts follow each active membership (inserted with its copies,
-- given them, changed through its user, or ended).
CREATE TRIGGER group_grams_insert AFTER INSERT ON group_members
WHEN new.status = 'active' BEGIN
    INSERT INTO group_gram_counts (group_id, gram, n)
        SELECT new.group_id, gram, 1 FROM (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) WHERE true
        ON CONFLICT (group_id, gram) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER group_grams_delete AFTER DELETE ON group_members
WHEN old.status = 'active'
 AND NOT (SELECT deleting FROM user_groups WHERE id = old.group_id) BEGIN
    UPDATE group_gram_counts SET n = n - 1
    WHERE group_id = old.group_id AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
END;

CREATE TRIGGER group_grams_update AFTER UPDATE OF status, sort_key, email_key ON group_members
WHEN old.status IS NOT new.status OR old.sort_key IS NOT new.sort_key
  OR old.email_key IS NOT new.email_key BEGIN
    UPDATE group_gram_counts SET n = n - 1
    WHERE old.status IS 'active' AND group_id = old.group_id AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
    INSERT INTO group_gram_counts (group_id, gram, n)
        SELECT new.group_id, gram, 1 FROM (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) WHERE new.status IS 'active'
        ON CONFLICT (group_id, gram) DO UPDATE SET n = n + 1;
END;

-- A user's status, name or email change reaches the copies in its groups.
CREATE TRIGGER users_to_group_members AFTER UPDATE OF status, sort_key, email_key ON users
WHEN old.status <> new.status OR old.sort_key <> new.sort_key OR old.email_key <> new.email_key
BEGIN
    UPDATE group_members SET status = new.status, sort_key = new.sort_key, email_key = new.email_key
    WHERE user_id = new.id;
END;

ALTER TABLE audit_log ADD COLUMN target_group_id INTEGER;
