-- Installation settings. `token_key_fingerprint` identifies the token key
-- the stored tokens are sealed with; a server started with another key
-- refuses to start instead of rejecting every token.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
