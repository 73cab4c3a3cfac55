-- The audit log in the app (filters, cursor pages) at millions of rows:
-- * actor_id may be NULL: the operator's own commands (`prune-audit`) are
--   audited with no user as their actor.
-- * One index per filter, each ending in id so a page is one backwards
--   range walk: by actor, by group, by action, and by time (which turns
--   `since`/`until` into id bounds).
ALTER TABLE audit_log ALTER COLUMN actor_id DROP NOT NULL;
CREATE INDEX audit_by_actor ON audit_log (company_id, actor_id, id);
CREATE INDEX audit_by_group ON audit_log (company_id, target_group_id, id);
CREATE INDEX audit_by_action ON audit_log (company_id, action, id);
CREATE INDEX audit_by_time ON audit_log (company_id, at, id);
