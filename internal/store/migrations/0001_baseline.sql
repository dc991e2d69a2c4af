-- The schema as one baseline: the migrations written before the first
-- release, squashed. A later change is a new numbered file, which the
-- store applies once to every database (internal/store/store.go).

-- Organisations: KS and every remissinstans, with the default route by
-- which each decides its answers (on delegation or by the nämnd).
CREATE TABLE orgs (
    code           text PRIMARY KEY,
    name           text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('ks','stadsdelsnamnd','facknamnd','bolag','rad')),
    forvaltning    text NOT NULL DEFAULT '',
    email          text NOT NULL DEFAULT '',
    decision_route text NOT NULL DEFAULT 'delegation' CHECK (decision_route IN ('delegation','namnd')),
    delegation_ref text NOT NULL DEFAULT ''
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

-- A round. The ID is derived from the Dnr. When it has closed, the
-- sammanställning passes its decision path (path, step).
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
    summary_document_id text,
    -- A Coordinator may take one daily message per round instead of one per event.
    digest       boolean NOT NULL DEFAULT false,
    path         text[] NOT NULL DEFAULT '{slk,borgarradsberedningen,ks}',
    step         integer NOT NULL DEFAULT 0,   -- the step of the path the sammanställning is at
    decided_at   timestamptz,
    outcome_id   text                          -- the final body's protokollsutdrag
);

-- Each organisation's meeting calendar, kept by its registrator.
CREATE TABLE meetings (
    id              text PRIMARY KEY,
    org_code        text NOT NULL REFERENCES orgs(code),
    held_on         date NOT NULL,
    agenda_deadline date NOT NULL,
    place           text NOT NULL DEFAULT '',
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_code, held_on),
    CHECK (agenda_deadline <= held_on)
);
CREATE INDEX meetings_org ON meetings(org_code, held_on);

-- One recipient's duty to answer, with its own deadline (anstånd moves it),
-- route and planned meeting.
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
    route         text NOT NULL DEFAULT 'delegation' CHECK (route IN ('delegation','namnd')),
    meeting_id    text REFERENCES meetings(id),
    -- No meeting before the svarsdatum: the recipient will need anstånd.
    needs_extension boolean NOT NULL DEFAULT false,
    minutes_id    text,
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

-- Anstånd: requested with a reason, decided by a Coordinator. The
-- Coordinator may also extend a deadline without a request: such an
-- extension has no reason note of the recipient's.
CREATE TABLE extensions (
    id             text PRIMARY KEY,
    assignment_id  text NOT NULL REFERENCES assignments(id),
    requested_until date NOT NULL,
    reason_note_id text REFERENCES notes(id),
    requested_by   text NOT NULL,
    requested_at   timestamptz NOT NULL,
    decided_by     text,
    decided_at     timestamptz,
    approved       boolean,
    granted_until  date
);

-- Rendered and uploaded PDFs: statements, the sammanställning, underlag,
-- the missiv (cover letter), officers' bilagor and protokollsutdrag.
CREATE TABLE documents (
    id            text PRIMARY KEY,
    remiss_id     text NOT NULL REFERENCES remisses(id),
    assignment_id text REFERENCES assignments(id),
    kind          text NOT NULL,
    filename      text NOT NULL,
    content       bytea NOT NULL,
    sha256        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT documents_kind_check CHECK (kind IN ('statement','summary','underlag','missiv','bilaga','minutes'))
);
CREATE INDEX documents_remiss ON documents(remiss_id);

-- A decision: a nämnd's on an answer (assignment_id set), or a step of a
-- sammanställning's path (step set). The row is written as 'proposed'
-- before the workflow hears of it, and 'recorded' when the workflow has
-- accepted it; only recorded rows are decisions.
CREATE TABLE decisions (
    id              text PRIMARY KEY,
    remiss_id       text NOT NULL REFERENCES remisses(id),
    assignment_id   text REFERENCES assignments(id),
    step            text,
    body            text NOT NULL,            -- who decided, as printed
    meeting_id      text REFERENCES meetings(id),
    held_on         date,
    paragraph       text NOT NULL DEFAULT '',
    verdict         text NOT NULL CHECK (verdict IN ('delegation','bifall','andrat','aterremiss','bordlagd','tillstyrker','avstyrker','beslut')),
    wording         text NOT NULL DEFAULT '',
    reason          text NOT NULL DEFAULT '',
    next_meeting_id text REFERENCES meetings(id),
    immediate       boolean NOT NULL DEFAULT false,
    adjust_on       date,
    adjusters       text[] NOT NULL DEFAULT '{}',
    reservations    text NOT NULL DEFAULT '',
    delegation_ref  text NOT NULL DEFAULT '',
    document_id     text,
    state           text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed','recorded')),
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_remiss ON decisions(remiss_id, recorded_at);

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
-- The sender claims due rows with a lease, records every SMTP answer,
-- retries temporary failures with backoff and stops at a permanent one.
CREATE TABLE outbox (
    id              text PRIMARY KEY,
    kind            text NOT NULL,
    remiss_id       text NOT NULL,
    assignment_id   text,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    event_at        timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    deadline        date,            -- attached as an .ics event when set
    document_id     text,            -- a PDF to attach
    digest          boolean NOT NULL DEFAULT false, -- the Coordinator reads it in the daily digest instead
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    lease_owner     text,            -- the sender holding the lease
    smtp_response   text,
    last_error      text,
    failed_at       timestamptz
);
CREATE INDEX outbox_remiss ON outbox(remiss_id, kind);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL AND NOT digest;

-- Server-side sessions for the web pages and bearer tokens for the API.
-- Only SHA-256 hashes of the secrets are stored.
CREATE TABLE sessions (
    id_hash    text PRIMARY KEY,
    username   text NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    csrf       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('web','api')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions(username);

-- Failed logins, for throttling.
CREATE TABLE login_failures (
    id       bigserial PRIMARY KEY,
    username text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_user ON login_failures(username, at);
