-- Kommunstyrelsen's own tjänsteutlåtande on a round's answers is an
-- assignment of KS, handled like an answer (drafted when the round closes,
-- written, approved and sealed); kind tells it from the recipients'.
ALTER TABLE assignments ADD COLUMN kind text NOT NULL DEFAULT 'answer' CHECK (kind IN ('answer','statement'));
