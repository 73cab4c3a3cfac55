-- Exact totals of the users list filtered by identity provider without
-- counting the provider's range (a third of a million users at scale):
-- `provider_counts` per (company, provider, tab), and `provider_gram_counts`
-- for a search of up to three characters, as `user_gram_counts` keeps them
-- per tab (a user counts once per gram, whichever text holds it). Kept per
-- row by the triggers below; seed-demo sets the insert triggers aside and
-- fills both in bulk. They start empty: the server fills them once at its
-- next start (the setting below), in one pass over the users.

CREATE TABLE provider_counts (
    company_id  INTEGER NOT NULL,
    provider_id INTEGER NOT NULL,
    status      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (company_id, provider_id, status)
) WITHOUT ROWID;

CREATE TABLE provider_gram_counts (
    company_id  INTEGER NOT NULL,
    provider_id INTEGER NOT NULL,
    status      TEXT NOT NULL,
    gram        TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (company_id, provider_id, status, gram)
) WITHOUT ROWID;

INSERT INTO settings (name, value) VALUES ('provider_counts_pending', 'fill at start-up');

CREATE TRIGGER provider_counts_insert AFTER INSERT ON users BEGIN
    INSERT INTO provider_counts (company_id, provider_id, status, n)
        VALUES (new.company_id, new.identity_provider_id, new.status, 1)
        ON CONFLICT (company_id, provider_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER provider_counts_delete AFTER DELETE ON users BEGIN
    UPDATE provider_counts SET n = n - 1
    WHERE company_id = old.company_id AND provider_id = old.identity_provider_id
      AND status = old.status;
END;

CREATE TRIGGER provider_counts_update AFTER UPDATE OF company_id, identity_provider_id, status ON users
WHEN old.company_id <> new.company_id OR old.identity_provider_id <> new.identity_provider_id
  OR old.status <> new.status BEGIN
    UPDATE provider_counts SET n = n - 1
    WHERE company_id = old.company_id AND provider_id = old.identity_provider_id
      AND status = old.status;
    INSERT INTO provider_counts (company_id, provider_id, status, n)
        VALUES (new.company_id, new.identity_provider_id, new.status, 1)
        ON CONFLICT (company_id, provider_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER provider_grams_insert AFTER INSERT ON users BEGIN
    INSERT INTO provider_gram_counts (company_id, provider_id, status, gram, n)
        SELECT new.company_id, new.identity_provider_id, new.status, gram, 1 FROM (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) WHERE true
        ON CONFLICT (company_id, provider_id, status, gram) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER provider_grams_delete AFTER DELETE ON users BEGIN
    UPDATE provider_gram_counts SET n = n - 1
    WHERE company_id = old.company_id AND provider_id = old.identity_provider_id
      AND status = old.status AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
END;

CREATE TRIGGER provider_grams_update
AFTER UPDATE OF company_id, identity_provider_id, status, sort_key, email_key ON users
WHEN old.company_id <> new.company_id OR old.identity_provider_id <> new.identity_provider_id
  OR old.status <> new.status OR old.sort_key <> new.sort_key OR old.email_key <> new.email_key BEGIN
    UPDATE provider_gram_counts SET n = n - 1
    WHERE company_id = old.company_id AND provider_id = old.identity_provider_id
      AND status = old.status AND gram IN (
        SELECT substr(t.v, p.n, l.n)
        FROM (SELECT old.sort_key AS v UNION ALL SELECT old.email_key) t
        JOIN search_positions l ON l.n <= 3
        JOIN search_positions p ON p.n <= length(t.v) - l.n + 1);
    INSERT INTO provider_gram_counts (company_id, provider_id, status, gram, n)
        SELECT new.company_id, new.identity_provider_id, new.status, gram, 1 FROM (
            SELECT DISTINCT substr(t.v, p.n, l.n) AS gram
            FROM (SELECT new.sort_key AS v UNION ALL SELECT new.email_key) t
            JOIN search_positions l ON l.n <= 3
            JOIN search_positions p ON p.n <= length(t.v) - l.n + 1
        ) WHERE true
        ON CONFLICT (company_id, provider_id, status, gram) DO UPDATE SET n = n + 1;
END;
