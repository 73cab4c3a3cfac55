-- The users list and search at a million users without scanning:
--
-- * user_counts: users per (company, status), so a page's total_entries is
--   one lookup instead of COUNT(*) over the tab.
-- * user_gram_counts: for every 1-, 2- and 3-character substring ("gram")
--   of a user's sort key ("first last", lower-cased) or email key, how many
--   users of the (company, status) contain it. This is the exact total of a
--   search of up to three characters, and tells longer searches which of
--   their trigrams are rarest.
-- * users_search: a trigram index over the same two texts whose rowid puts
--   the company and the status in the high bits
--   (company_id << 33 | archived << 32 | id), so one tab of one company is
--   one rowid range of the index: no join is needed to scope a search.
--
-- All three are kept in step by triggers, inside the writing transaction
-- (writes are serialised by BEGIN IMMEDIATE on a single writer), so they are
-- exact whatever the concurrency. The old users_fts index is replaced.

DROP TRIGGER users_fts_insert;
DROP TRIGGER users_fts_delete;
DROP TRIGGER users_fts_update;
DROP TABLE users_fts;

CREATE TABLE user_counts (
    company_id INTEGER NOT NULL,
    status     TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (company_id, status)
) WITHOUT ROWID;

-- 1..256: character positions in a sort key (at most 201 characters) or an
-- email (at most 254); positions 1..3 double as the gram lengths.
CREATE TABLE search_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 256)
INSERT INTO search_positions (n) SELECT n FROM p;

CREATE TABLE user_gram_counts (
    company_id INTEGER NOT NULL,
    status     TEXT NOT NULL,
    gram       TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (company_id, status, gram)
) WITHOUT ROWID;

-- Contentless: only rowids are ever read back. Both texts end in two U+0001
-- characters (no name or email holds a control character), so every
-- character of the text starts a trigram. detail=none: searches AND single
-- trigrams and check each candidate against the users row.
CREATE VIRTUAL TABLE users_search USING fts5(
    names, email, content = '', contentless_delete = 1, detail = none,
    tokenize = 'trigram case_sensitive 1'
);

-- Backfill for existing databases.
INSERT INTO user_counts (company_id, status, n)
    SELECT company_id, status, COUNT(*) FROM users GROUP BY company_id, status;

INSERT INTO user_gram_counts (company_id, status, gram, n)
    SELECT company_id, status, gram, COUNT(*) FROM (
        SELECT DISTINCT u.id, u.company_id, u.status, substr(t.v, p.n, l.n) AS gram
        FROM users u
        JOIN (SELECT id, sort_key AS v FROM users UNION ALL SELECT id, email_key FROM users) t
          ON t.id = u.id
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
    ) GROUP BY company_id, status, gram;

INSERT INTO users_search (rowid, names, email)
    SELECT (company_id << 33) + (status = 'archived') * 4294967296 + id,
           sort_key || char(1, 1), email_key || char(1, 1)
    FROM users;

-- The search index's rowid has 32 bits for the user id and 30 for the company.
CREATE TRIGGER users_ids_in_range BEFORE INSERT ON users
WHEN new.id >= 4294967296 OR new.company_id >= 1073741824 BEGIN
    SELECT RAISE(ABORT, 'user or company id out of range for the search index');
END;

CREATE TRIGGER user_counts_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_counts (company_id, status, n) VALUES (new.company_id, new.status, 1)
        ON CONFLICT (company_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER user_counts_delete AFTER DELETE ON users BEGIN
    UPDATE user_counts SET n = n - 1 WHERE company_id = old.company_id AND status = old.status;
END;

CREATE TRIGGER user_counts_update AFTER UPDATE OF company_id, status ON users
WHEN old.company_id <> new.company_id OR old.status <> new.status BEGIN
    UPDATE user_counts SET n = n - 1 WHERE company_id = old.company_id AND status = old.status;
    INSERT INTO user_counts (company_id, status, n) VALUES (new.company_id, new.status, 1)
        ON CONFLICT (company_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER user_grams_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_gram_counts (company_id, status, gram, n)
        SELECT new.company_id, new.status, gram, 1 FROM (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) WHERE true
        ON CONFLICT (company_id, status, gram) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER user_grams_delete AFTER DELETE ON users BEGIN
    UPDATE user_gram_counts SET n = n - 1
    WHERE company_id = old.company_id AND status = old.status AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
END;

CREATE TRIGGER user_grams_update AFTER UPDATE OF company_id, status, sort_key, email_key ON users
WHEN old.company_id <> new.company_id OR old.status <> new.status
  OR old.sort_key <> new.sort_key OR old.email_key <> new.email_key BEGIN
    UPDATE user_gram_counts SET n = n - 1
    WHERE company_id = old.company_id AND status = old.status AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
    INSERT INTO user_gram_counts (company_id, status, gram, n)
        SELECT new.company_id, new.status, gram, 1 FROM (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) WHERE true
        ON CONFLICT (company_id, status, gram) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, names, email) VALUES (
        (new.company_id << 33) + (new.status = 'archived') * 4294967296 + new.id,
        new.sort_key || char(1, 1), new.email_key || char(1, 1));
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search
    WHERE rowid = (old.company_id << 33) + (old.status = 'archived') * 4294967296 + old.id;
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF company_id, status, sort_key, email_key ON users
WHEN old.company_id <> new.company_id OR old.status <> new.status
  OR old.sort_key <> new.sort_key OR old.email_key <> new.email_key BEGIN
    DELETE FROM users_search
    WHERE rowid = (old.company_id << 33) + (old.status = 'archived') * 4294967296 + old.id;
    INSERT INTO users_search (rowid, names, email) VALUES (
        (new.company_id << 33) + (new.status = 'archived') * 4294967296 + new.id,
        new.sort_key || char(1, 1), new.email_key || char(1, 1));
END;
