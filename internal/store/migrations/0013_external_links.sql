-- External remissinstanser (issue 19): an outside body without accounts
-- answers through a personal link sent to its address (orgs.email). Such
-- an organisation is marked by_link; it has no users.
ALTER TABLE orgs ADD COLUMN by_link boolean NOT NULL DEFAULT false;

-- One live link per assignment of an organisation by link. Only the
-- SHA-256 of its token is kept, with a random nonce: the token is
-- HMAC(server key, assignment, generation, nonce), derived again when a
-- message carries the link, so neither the database nor the key alone
-- gives a token. Replacing a link moves it to the next generation with a
-- new nonce: the old token's hash is gone, so the old link finds nothing.
CREATE TABLE answer_links (
    assignment_id text PRIMARY KEY REFERENCES assignments(id),
    generation    integer NOT NULL DEFAULT 1 CHECK (generation > 0),
    nonce         bytea NOT NULL CHECK (length(nonce) = 16),
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    issued_at     timestamptz NOT NULL DEFAULT now()
);

-- An outside body's answer uploaded as a PDF is kept as it was received
-- ('received'); what it answers with is that file sealed by
-- kommunstyrelsen (a 'statement').
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('statement','summary','underlag','missiv','bilaga','minutes','delegation_list','received'));

-- What an outside body writes through its link (its answer, its reason to
-- decline or to ask for anstånd) has no user behind it: its author is
-- "extern" (remiss.LinkActor), and the pages name the organisation.
ALTER TABLE response_versions DROP CONSTRAINT response_versions_created_by_fkey;
ALTER TABLE notes DROP CONSTRAINT notes_author_fkey;
-- That author is reserved: no user may be called so.
ALTER TABLE users ADD CONSTRAINT users_not_extern CHECK (username <> 'extern');
