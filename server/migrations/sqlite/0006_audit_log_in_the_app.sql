-- The audit log in the app (filters, cursor pages) at millions of rows:
-- * actor_id may be NULL: the operator's own commands (`prune-audit`) are
--   audited with no user as their actor. SQLite cannot drop NOT NULL in
--   place, so the table is rebuilt (ids kept).
-- * One index per filter, each ending in id so a page is one backwards
--   range walk: by actor, by group, by action, and by time (which turns
--   `since`/`until` into id bounds).
CREATE TABLE audit_log_new (
    id              INTEGER PRIMARY KEY,
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    at              TEXT NOT NULL,
    actor_id        INTEGER REFERENCES users(id),
    action          TEXT NOT NULL,
    target_user_id  INTEGER REFERENCES users(id),
    details         TEXT NOT NULL DEFAULT '{}',
    target_group_id INTEGER
);
INSERT INTO audit_log_new (id, company_id, at, actor_id, action, target_user_id, details,
                           target_group_id)
    SELECT id, company_id, at, actor_id, action, target_user_id, details, target_group_id
    FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_by_company ON audit_log (company_id, id);
CREATE INDEX audit_by_target ON audit_log (company_id, target_user_id, id);
CREATE INDEX audit_by_actor ON audit_log (company_id, actor_id, id);
CREATE INDEX audit_by_group ON audit_log (company_id, target_group_id, id);
CREATE INDEX audit_by_action ON audit_log (company_id, action, id);
CREATE INDEX audit_by_time ON audit_log (company_id, at, id);
