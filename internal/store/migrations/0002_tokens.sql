-- Every session and API token gets a public ID, by which its owner lists
-- and revokes it (the secret itself is stored only as its hash), and the
-- time it was last used (kept to the minute).
ALTER TABLE sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE sessions ADD CONSTRAINT sessions_id_key UNIQUE (id);
ALTER TABLE sessions ADD COLUMN last_used_at timestamptz;
