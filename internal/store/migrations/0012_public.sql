-- The public remiss page (issue 19): KS chooses at launch whether a round
-- is published on /offentligt. A new round is published unless KS says
-- otherwise; a round launched before this choice existed was never
-- chosen, so it stays unpublished.
ALTER TABLE remisses ADD COLUMN public boolean NOT NULL DEFAULT false;
ALTER TABLE remisses ALTER COLUMN public SET DEFAULT true;

-- The public list, newest first, read a page at a time by keyset
-- (created_at, id): an index scan however many rounds there are.
CREATE INDEX remisses_public ON remisses(created_at DESC, id DESC) WHERE public;

-- Anyone may ask whether a file is one we stored: found by its SHA-256.
CREATE INDEX documents_sha256 ON documents(sha256);

-- The public feed: the latest sealed answers.
CREATE INDEX documents_statements ON documents(created_at DESC, id DESC) WHERE kind = 'statement';
