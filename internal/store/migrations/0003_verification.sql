-- Every document is verified once, when it is stored, and the result is
-- kept beside its bytes (internal/keeper): a request reads it instead of
-- running the verification again.
ALTER TABLE documents ADD COLUMN verification jsonb;
