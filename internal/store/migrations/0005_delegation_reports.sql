-- Anmälan av delegationsbeslut (kommunallagen 6 kap. 40 §): an
-- organisation's decisions on delegation are reported to its nämnd at a
-- meeting, under a paragraph of its minutes. One row per list reported;
-- each decision reported names its list.
CREATE TABLE delegation_reports (
    id          text PRIMARY KEY,
    org_code    text NOT NULL REFERENCES orgs(code),
    meeting_id  text NOT NULL REFERENCES meetings(id),
    paragraph   text NOT NULL,
    reported_by text NOT NULL REFERENCES users(username),
    reported_at timestamptz NOT NULL,
    document_id text,
    UNIQUE (meeting_id, paragraph)
);
CREATE INDEX delegation_reports_org ON delegation_reports(org_code, reported_at);

ALTER TABLE decisions ADD COLUMN report_id text REFERENCES delegation_reports(id);

-- The list is a document of the organisation, not of one round.
ALTER TABLE documents ALTER COLUMN remiss_id DROP NOT NULL;
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('statement','summary','underlag','missiv','bilaga','minutes','delegation_list'));
