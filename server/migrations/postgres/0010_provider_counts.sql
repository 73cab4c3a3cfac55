-- Exact totals of the users list filtered by identity provider without
-- counting the provider's range (a third of a million users at scale):
-- `provider_counts` per (company, provider, tab), and `provider_gram_counts`
-- for a search of up to three characters, as `user_gram_counts` keeps them
-- per tab (a user counts once per gram, whichever text holds it). The same
-- tables as the SQLite backend's. Kept per statement over the transition
-- tables, writing only for users whose counted columns changed (a version
-- bump moves nothing); seed-demo sets users.bulk_load and fills both in
-- bulk. They start empty: the server fills them once at its next start
-- (the setting below), in one pass over the users.

CREATE TABLE provider_counts (
    company_id  BIGINT NOT NULL,
    provider_id BIGINT NOT NULL,
    status      TEXT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (company_id, provider_id, status)
);

CREATE TABLE provider_gram_counts (
    company_id  BIGINT NOT NULL,
    provider_id BIGINT NOT NULL,
    status      TEXT NOT NULL,
    gram        TEXT COLLATE "C" NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (company_id, provider_id, status, gram)
);

INSERT INTO settings (name, value) VALUES ('provider_counts_pending', 'fill at start-up');

CREATE FUNCTION provider_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('users.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO provider_counts (company_id, provider_id, status, n)
            SELECT company_id, identity_provider_id, status, COUNT(*) FROM new_rows
            GROUP BY company_id, identity_provider_id, status
            ON CONFLICT (company_id, provider_id, status)
            DO UPDATE SET n = provider_counts.n + excluded.n;
        INSERT INTO provider_gram_counts (company_id, provider_id, status, gram, n)
            SELECT r.company_id, r.identity_provider_id, r.status, g, COUNT(*)
            FROM new_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
            GROUP BY r.company_id, r.identity_provider_id, r.status, g
            ON CONFLICT (company_id, provider_id, status, gram)
            DO UPDATE SET n = provider_gram_counts.n + excluded.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO provider_counts (company_id, provider_id, status, n)
            SELECT company_id, provider_id, status, SUM(d) FROM (
                SELECT n.company_id, n.identity_provider_id AS provider_id, n.status, 1 AS d
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.company_id, n.identity_provider_id, n.status)
                      IS DISTINCT FROM (o.company_id, o.identity_provider_id, o.status)
                UNION ALL
                SELECT o.company_id, o.identity_provider_id, o.status, -1
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.company_id, n.identity_provider_id, n.status)
                      IS DISTINCT FROM (o.company_id, o.identity_provider_id, o.status)
            ) AS moved
            GROUP BY company_id, provider_id, status HAVING SUM(d) <> 0
            ON CONFLICT (company_id, provider_id, status)
            DO UPDATE SET n = provider_counts.n + excluded.n;
        INSERT INTO provider_gram_counts (company_id, provider_id, status, gram, n)
            SELECT company_id, provider_id, status, gram, SUM(d) FROM (
                SELECT n.company_id, n.identity_provider_id AS provider_id, n.status, g AS gram, 1 AS d
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                CROSS JOIN LATERAL user_grams(n.sort_key, n.email_key) AS g
                WHERE (n.company_id, n.identity_provider_id, n.status, n.sort_key, n.email_key)
                      IS DISTINCT FROM (o.company_id, o.identity_provider_id, o.status, o.sort_key, o.email_key)
                UNION ALL
                SELECT o.company_id, o.identity_provider_id, o.status, g, -1
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                CROSS JOIN LATERAL user_grams(o.sort_key, o.email_key) AS g
                WHERE (n.company_id, n.identity_provider_id, n.status, n.sort_key, n.email_key)
                      IS DISTINCT FROM (o.company_id, o.identity_provider_id, o.status, o.sort_key, o.email_key)
            ) AS moved
            GROUP BY company_id, provider_id, status, gram HAVING SUM(d) <> 0
            ON CONFLICT (company_id, provider_id, status, gram)
            DO UPDATE SET n = provider_gram_counts.n + excluded.n;
    ELSE
        UPDATE provider_counts c SET n = c.n - gone.n
            FROM (SELECT company_id, identity_provider_id, status, COUNT(*) AS n FROM old_rows
                  GROUP BY company_id, identity_provider_id, status) AS gone
            WHERE c.company_id = gone.company_id AND c.provider_id = gone.identity_provider_id
              AND c.status = gone.status;
        UPDATE provider_gram_counts c SET n = c.n - gone.n
            FROM (SELECT r.company_id, r.identity_provider_id, r.status, g AS gram, COUNT(*) AS n
                  FROM old_rows r CROSS JOIN LATERAL user_grams(r.sort_key, r.email_key) AS g
                  GROUP BY r.company_id, r.identity_provider_id, r.status, g) AS gone
            WHERE c.company_id = gone.company_id AND c.provider_id = gone.identity_provider_id
              AND c.status = gone.status AND c.gram = gone.gram;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER provider_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION provider_counts_apply();
CREATE TRIGGER provider_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION provider_counts_apply();
CREATE TRIGGER provider_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION provider_counts_apply();
