-- Organisations: KS and every remissinstans.
CREATE TABLE orgs (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('ks','stadsdelsnamnd','facknamnd','bolag','rad')),
    forvaltning text NOT NULL DEFAULT '',
    email       text NOT NULL DEFAULT ''
);

CREATE TABLE users (
    username      text PRIMARY KEY,
    org_code      text NOT NULL REFERENCES orgs(code),
    role          text NOT NULL CHECK (role IN ('coordinator','registrar','officer','signatory','admin')),
    display_name  text NOT NULL,
    title         text NOT NULL DEFAULT '',
    email         text NOT NULL DEFAULT '',
    phone         text NOT NULL DEFAULT '',
    password_hash text
);
CREATE INDEX users_org ON users(org_code, role);

-- A round. The ID is derived from the Dnr.
CREATE TABLE remisses (
    id           text PRIMARY KEY,
    dnr          text NOT NULL UNIQUE,
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    deadline     date NOT NULL,
    deadline_at  timestamptz NOT NULL,
    reminders    text[] NOT NULL,
    grace        text NOT NULL,
    coordinator  text NOT NULL REFERENCES users(username),
    state        text NOT NULL DEFAULT 'open' CHECK (state IN ('open','closed','withdrawn')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    closed_at    timestamptz,
    summary_document_id text
);

-- One recipient's duty to answer, with its own deadline (anstånd moves it).
CREATE TABLE assignments (
    id            text PRIMARY KEY,
    remiss_id     text NOT NULL REFERENCES remisses(id),
    org_code      text NOT NULL REFERENCES orgs(code),
    position      integer NOT NULL,
    state         text NOT NULL,
    deadline      date NOT NULL,
    deadline_at   timestamptz NOT NULL,
    officer       text REFERENCES users(username),
    late          boolean NOT NULL DEFAULT false,
    submitted_at  timestamptz,
    response_version_id text,
    decline_note_id     text,
    document_id   text,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (remiss_id, org_code)
);
CREATE INDEX assignments_org ON assignments(org_code, deadline_at);

-- Every saved or submitted version of an answer. The ID is derived from the
-- content hash, so saving the same text twice stores it once.
CREATE TABLE response_versions (
    id            text PRIMARY KEY,
    assignment_id text NOT NULL REFERENCES assignments(id),
    version       integer NOT NULL,
    content       jsonb NOT NULL,
    sha256        text NOT NULL,
    created_by    text NOT NULL REFERENCES users(username),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (assignment_id, version)
);

-- Free text that belongs to an action (decline reason, anstånd reason,
-- comment on return): kept here so workflow history carries only the ID.
CREATE TABLE notes (
    id            text PRIMARY KEY,
    assignment_id text NOT NULL REFERENCES assignments(id),
    kind          text NOT NULL CHECK (kind IN ('decline','extension','return')),
    body          text NOT NULL,
    author        text NOT NULL REFERENCES users(username),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Anstånd: requested with a reason, decided by a Coordinator.
CREATE TABLE extensions (
    id             text PRIMARY KEY,
    assignment_id  text NOT NULL REFERENCES assignments(id),
    requested_until date NOT NULL,
    reason_note_id text NOT NULL REFERENCES notes(id),
    requested_by   text NOT NULL,
    requested_at   timestamptz NOT NULL,
    decided_by     text,
    decided_at     timestamptz,
    approved       boolean,
    granted_until  date
);

CREATE TABLE documents (
    id            text PRIMARY KEY,
    remiss_id     text NOT NULL REFERENCES remisses(id),
    assignment_id text REFERENCES assignments(id),
    kind          text NOT NULL CHECK (kind IN ('statement','summary','underlag')),
    filename      text NOT NULL,
    content       bytea NOT NULL,
    sha256        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_remiss ON documents(remiss_id);

-- Append-only: who did what, when.
CREATE TABLE audit (
    id            bigserial PRIMARY KEY,
    event_key     text NOT NULL UNIQUE,
    at            timestamptz NOT NULL,
    actor         text NOT NULL,
    remiss_id     text NOT NULL,
    assignment_id text,
    action        text NOT NULL,
    detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_remiss ON audit(remiss_id, id);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- Messages to send, written in the same transaction as the change that
-- causes them. The ID is deterministic, so a retried activity adds nothing.
CREATE TABLE outbox (
    id            text PRIMARY KEY,
    kind          text NOT NULL,
    remiss_id     text NOT NULL,
    assignment_id text,
    recipient     text NOT NULL,
    subject       text NOT NULL,
    body          text NOT NULL,
    event_at      timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX outbox_unsent ON outbox(created_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_remiss ON outbox(remiss_id, kind);
