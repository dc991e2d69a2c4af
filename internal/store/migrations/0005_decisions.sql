-- Decision routing: a recipient's answer is decided on delegation or by
-- the nämnd at a meeting; the sammanställning then passes its own decision
-- path.
ALTER TABLE orgs
    ADD COLUMN decision_route text NOT NULL DEFAULT 'delegation' CHECK (decision_route IN ('delegation','namnd')),
    ADD COLUMN delegation_ref text NOT NULL DEFAULT '';

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

ALTER TABLE assignments
    ADD COLUMN route           text NOT NULL DEFAULT 'delegation' CHECK (route IN ('delegation','namnd')),
    ADD COLUMN meeting_id      text REFERENCES meetings(id),
    -- No meeting before the svarsdatum: the recipient will need anstånd.
    ADD COLUMN needs_extension boolean NOT NULL DEFAULT false,
    ADD COLUMN minutes_id      text;

ALTER TABLE remisses
    ADD COLUMN path       text[] NOT NULL DEFAULT '{slk,borgarradsberedningen,ks}',
    ADD COLUMN step       integer NOT NULL DEFAULT 0,   -- the step of the path the sammanställning is at
    ADD COLUMN decided_at timestamptz,
    ADD COLUMN outcome_id text;                         -- the final body's protokollsutdrag

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
CREATE INDEX meetings_org ON meetings(org_code, held_on);

ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN ('statement','summary','underlag','missiv','bilaga','minutes'));
