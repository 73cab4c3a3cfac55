-- Users whose email became the same address as another user's when email
-- keys became canonical (case, Unicode compatibility and IDN domains folded).
-- The later user keeps its old key, so no one is merged or lost. The migration
-- logs each pair as a warning and records it here, for an administrator to
-- resolve by changing one of the two addresses.
CREATE TABLE identity_key_collisions (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    other_user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email_key     TEXT NOT NULL,
    found_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, other_user_id)
);
