-- An office on the decision path (stadsledningskontoret) approves the
-- tjänsteutlåtande: a decision with the verdict 'godkanner', without a §,
-- a justering or a protokollsutdrag.
ALTER TABLE decisions DROP CONSTRAINT decisions_verdict_check;
ALTER TABLE decisions ADD CONSTRAINT decisions_verdict_check
    CHECK (verdict IN ('delegation','bifall','andrat','aterremiss','bordlagd','tillstyrker','avstyrker','beslut','godkanner'));
