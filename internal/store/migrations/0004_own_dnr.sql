-- Each body registers a remiss in its own diarium: the recipient's own
-- diarienummer, set by its registrator, is kept on the assignment, and each
-- organisation may have its own rule for how its numbers are written.
ALTER TABLE assignments ADD COLUMN own_dnr text NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN dnr_rule text NOT NULL DEFAULT '';
