-- The Coordinator may extend a deadline without a request: such an
-- extension has no reason note of the recipient's.
ALTER TABLE extensions ALTER COLUMN reason_note_id DROP NOT NULL;
