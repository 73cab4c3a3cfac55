-- Exact totals for short searches without counting rows: for every 1-, 2-
-- and 3-character substring ("gram") of a user's sort key or email key, how
-- many users of the (company, tab) contain it (a user counts once per gram,
-- whichever text holds it). A search of up to three characters reads its
-- total here; a longer one learns how common its rarest trigram is, and so
-- whether the trigram indexes or a walk of the sorted index finds its rows
-- sooner. The same table and definition as the SQLite backend's.

CREATE TABLE user_gram_counts (
    company_id BIGINT NOT NULL,
    status     TEXT NOT NULL,
    gram       TEXT COLLATE "C" NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (company_id, status, gram)
);

-- The distinct grams of one user's two texts (characters, as Rust's
-- `chars()` and SQLite's `substr` count them).
CREATE FUNCTION user_grams(sort_key TEXT, email_key TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT substr(t.v, p.n, l.n)
    FROM (VALUES (sort_key), (email_key)) AS t(v)
    CROSS JOIN LATERAL generate_series(1, length(t.v)) AS p(n)
    CROSS JOIN (VALUES (1), (2), (3)) AS l(n)
    WHERE p.n + l.n - 1 <= length(t.v)
$$;

INSERT INTO user_gram_counts (company_id, status, gram, n)
    SELECT u.company_id, u.status, g, COUNT(*)
    FROM users u CROSS JOIN LATERAL user_grams(u.sort_key, u.email_key) AS g
    GROUP BY u.company_id, u.status, g;

-- Kept per statement over the transition tables, like user_counts: only
-- grams whose count moves are written (a version bump moves none).
CREATE FUNCTION user_gram_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO user_gram_counts (company_id, status, gram, n)
            SELECT r.company_id, r.status, g, COUNT(*)
            FROM new_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
            GROUP BY r.company_id, r.status, g
            ON CONFLICT (company_id, status, gram) DO UPDATE SET n = user_gram_counts.n + excluded.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO user_gram_counts (company_id, status, gram, n)
            SELECT company_id, status, gram, SUM(d) FROM (
                SELECT r.company_id, r.status, g AS gram, 1 AS d
                FROM new_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
                UNION ALL
                SELECT r.company_id, r.status, g, -1
                FROM old_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
            ) AS moved
            GROUP BY company_id, status, gram HAVING SUM(d) <> 0
            ON CONFLICT (company_id, status, gram) DO UPDATE SET n = user_gram_counts.n + excluded.n;
    ELSE
        UPDATE user_gram_counts c SET n = c.n - gone.n
            FROM (SELECT r.company_id, r.status, g AS gram, COUNT(*) AS n
                  FROM old_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
                  GROUP BY r.company_id, r.status, g) AS gone
            WHERE c.company_id = gone.company_id AND c.status = gone.status AND c.gram = gone.gram;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER user_gram_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_gram_counts_apply();
CREATE TRIGGER user_gram_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_gram_counts_apply();
CREATE TRIGGER user_gram_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION user_gram_counts_apply();
