-- An actor or an affected user together with an action (the Activity of
-- one user for one kind of change, "what did Ada regenerate?"): one range
-- each, rather than a walk through every entry of one of the two.
CREATE INDEX audit_by_actor_action ON audit_log (company_id, actor_id, action, id);
CREATE INDEX audit_by_target_action ON audit_log (company_id, target_user_id, action, id);
