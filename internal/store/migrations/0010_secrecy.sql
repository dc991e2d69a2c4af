-- Sekretessmarkering (OSL 5 kap. 5 §, issue 18): a handling marked as
-- covered by secrecy, with the provision, when and by whom, and the title
-- shown in its place. One row per marked document; removing the marking
-- deletes the row. Every marking, change and removal, and every opening
-- of a marked document, is in the audit trail.
CREATE TABLE document_secrecy (
    document_id  text PRIMARY KEY REFERENCES documents(id),
    provision    text NOT NULL,
    public_title text NOT NULL,
    marked_at    timestamptz NOT NULL,
    marked_by    text NOT NULL
);
