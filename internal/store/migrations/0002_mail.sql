-- Delivery state of the outbox: the sender claims due rows with a lease,
-- records every SMTP answer, retries temporary failures with backoff and
-- stops at a permanent one.
ALTER TABLE outbox
    ADD COLUMN deadline        date,            -- attached as an .ics event when set
    ADD COLUMN document_id     text,            -- a PDF to attach
    ADD COLUMN digest          boolean NOT NULL DEFAULT false, -- the Coordinator reads it in the daily digest instead
    ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN leased_until    timestamptz,
    ADD COLUMN lease_owner     text,            -- the sender holding the lease
    ADD COLUMN smtp_response   text,
    ADD COLUMN last_error      text,
    ADD COLUMN failed_at       timestamptz;

DROP INDEX outbox_unsent;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL AND NOT digest;

-- A Coordinator may take one daily message per round instead of one per event.
ALTER TABLE remisses ADD COLUMN digest boolean NOT NULL DEFAULT false;

-- The missiv (cover letter) goes out with the remiss.
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN ('statement','summary','underlag','missiv'));
