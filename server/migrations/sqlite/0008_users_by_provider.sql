-- The users list filtered by identity provider: one range of this index,
-- already in the list's order, gives a page and (counted) its exact total,
-- instead of a walk through the whole tab testing each user's provider.
CREATE INDEX users_by_provider ON users (company_id, status, identity_provider_id, sort_key, email_key, id);
