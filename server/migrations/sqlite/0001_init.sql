-- Users console schema (SQLite). Every company-owned row carries company_id
-- (directly or through its user/group) and every query is scoped by it.
-- Timestamps are RFC 3339 UTC text ("2024-05-01T12:00:00Z"): sortable as text.

CREATE TABLE companies (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    -- Set when the company's users are managed in a directory (SSO/AD).
    directory_provider TEXT,
    created_at         TEXT NOT NULL
);

CREATE TABLE identity_providers (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    UNIQUE (company_id, name)
);

-- The role catalogue is data: more roles can be added without code changes.
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    position    INTEGER NOT NULL UNIQUE
);

INSERT INTO roles (id, name, description, position) VALUES
    (1, 'Development', 'Build agents in the development stage.', 1),
    (2, 'Testing', 'Promote to and configure the testing stage.', 2),
    (3, 'Staging', 'Promote to and configure the staging stage.', 3),
    (4, 'Production', 'Promote to and configure the production stage.', 4),
    (5, 'Settings', 'Manage users, groups, roles and identity providers; usage reports.', 5);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    company_id           INTEGER NOT NULL REFERENCES companies(id),
    first_name           TEXT NOT NULL,
    last_name            TEXT NOT NULL,
    email                TEXT NOT NULL,
    -- Lower-cased email: unique across the whole installation, archived included.
    email_key            TEXT NOT NULL UNIQUE,
    identity_provider_id INTEGER NOT NULL REFERENCES identity_providers(id),
    status               TEXT NOT NULL CHECK (status IN ('active', 'archived')),
    -- Lower-cased "first last": the list order and the search text.
    sort_key             TEXT NOT NULL,
    archived_at          TEXT,
    archived_by          INTEGER REFERENCES users(id),
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

-- The list: one company, one tab, alphabetical (then email, then id).
CREATE INDEX users_list ON users (company_id, status, sort_key, email_key, id);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role_id INTEGER NOT NULL REFERENCES roles(id),
    PRIMARY KEY (user_id, role_id)
) WITHOUT ROWID;
CREATE INDEX user_roles_by_role ON user_roles (role_id, user_id);

CREATE TABLE user_groups (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (company_id, name)
);

CREATE TABLE group_roles (
    group_id INTEGER NOT NULL REFERENCES user_groups(id),
    role_id  INTEGER NOT NULL REFERENCES roles(id),
    PRIMARY KEY (group_id, role_id)
) WITHOUT ROWID;
CREATE INDEX group_roles_by_role ON group_roles (role_id, group_id);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES user_groups(id),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);

CREATE TABLE agents (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name       TEXT NOT NULL,
    owner_id   INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX agents_by_owner ON agents (owner_id, id);

-- One token per user. The token itself is stored only encrypted (AEAD, the
-- user id as associated data); requests find it by a keyed hash.
CREATE TABLE access_tokens (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id),
    lookup_hash  BLOB NOT NULL UNIQUE,
    nonce        BLOB NOT NULL,
    ciphertext   BLOB NOT NULL,
    -- "uat_…" + the last four characters: safe to show.
    hint         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    company_id     INTEGER NOT NULL REFERENCES companies(id),
    at             TEXT NOT NULL,
    actor_id       INTEGER NOT NULL REFERENCES users(id),
    action         TEXT NOT NULL,
    target_user_id INTEGER REFERENCES users(id),
    details        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_company ON audit_log (company_id, id);
CREATE INDEX audit_by_target ON audit_log (company_id, target_user_id, id);

-- Substring search without scanning: trigram full-text index over the sort
-- key ("first last", lower-cased) and the email key, kept in step by triggers.
CREATE VIRTUAL TABLE users_fts USING fts5(
    sort_key, email_key, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, sort_key, email_key) VALUES (new.id, new.sort_key, new.email_key);
END;

CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, sort_key, email_key)
        VALUES ('delete', old.id, old.sort_key, old.email_key);
END;

CREATE TRIGGER users_fts_update AFTER UPDATE OF sort_key, email_key ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, sort_key, email_key)
        VALUES ('delete', old.id, old.sort_key, old.email_key);
    INSERT INTO users_fts (rowid, sort_key, email_key) VALUES (new.id, new.sort_key, new.email_key);
END;
