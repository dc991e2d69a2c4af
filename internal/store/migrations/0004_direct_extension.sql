-- The Coordinator may extend a deadline without a request: such an
-- extension has no reason note of the recipient's.
ALTER TABLE extensions ALTER COLUMN reason_note_id DROP NOT NULL;

-- Officers upload bilagor (attachments) to their answers.
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check CHECK (kind IN ('statement','summary','underlag','missiv','bilaga'));
