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

-- A user's status, name or email change reaches the copies in its groups.
CREATE TRIGGER users_to_group_members AFTER UPDATE OF status, sort_key, email_key ON users
WHEN old.status <> new.status OR old.sort_key <> new.sort_key OR old.email_key <> new.email_key
BEGIN
    UPDATE group_members SET status = new.status, sort_key = new.sort_key, email_key = new.email_key
    WHERE user_id = new.id;
END;

ALTER TABLE audit_log ADD COLUMN target_group_id INTEGER;
