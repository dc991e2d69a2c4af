-- Events for diarium systems (issue 18): every handling a diarium
-- registers (the remiss sent, an answer received by KS, a decision, KS's
-- statement, the outcome) is written here in the same transaction as the
-- change that makes it (store.Apply), with a stable ID.
--
-- seq is the feed's cursor. It is taken from event_seq under a
-- transaction-level advisory lock held until commit (store.appendEvents),
-- so events become visible in seq order: a poller that has read up to N
-- never later finds a committed event below N. A rolled-back transaction
-- leaves a gap, which skips nothing.
CREATE SEQUENCE event_seq;
CREATE TABLE events (
    seq             bigint PRIMARY KEY,
    id              text NOT NULL UNIQUE,   -- the CloudEvents id
    type            text NOT NULL,          -- se.remiss.answer.received, ...
    at              timestamptz NOT NULL,   -- when the handling happened
    remiss_id       text NOT NULL REFERENCES remisses(id),
    assignment_id   text,
    org_code        text NOT NULL,          -- the organisation holding the handling
    dnr             text NOT NULL,          -- kommunstyrelsen's
    own_dnr         text NOT NULL DEFAULT '', -- the holding organisation's, when it has one
    title           text NOT NULL,          -- the handling's own title (see events.View for who sees it)
    document_id     text,
    document_sha256 text,
    data            jsonb NOT NULL DEFAULT '{}', -- verdict, paragraph, step, ...
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_remiss ON events(remiss_id, seq);

-- Webhook subscribers an administrator configures. The secret signs each
-- delivery (HMAC-SHA256), so it is kept as given, not hashed; it is shown
-- once, when made. A deleted subscription keeps its row (and its
-- deliveries' record) and is sent nothing more.
CREATE TABLE event_subscriptions (
    id         text PRIMARY KEY,
    org_code   text NOT NULL REFERENCES orgs(code),
    url        text NOT NULL,
    secret     text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);

-- One event to one subscriber: queued with the event (same transaction)
-- for every live subscription, then leased, retried with backoff and
-- settled like the mail outbox.
CREATE TABLE event_deliveries (
    subscription_id text NOT NULL REFERENCES event_subscriptions(id),
    event_seq       bigint NOT NULL REFERENCES events(seq),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    lease_owner     text,
    delivered_at    timestamptz,
    failed_at       timestamptz,
    last_status     integer,
    last_error      text,
    PRIMARY KEY (subscription_id, event_seq)
);
CREATE INDEX event_deliveries_due ON event_deliveries(next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
