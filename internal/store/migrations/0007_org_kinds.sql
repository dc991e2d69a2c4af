-- Two more kinds of recipients: an office (a förvaltning or kontor that
-- answers itself, approved by its chef, no meetings) and an outside body
-- (Länsstyrelsen, Region Stockholm, a förening), whose answer is its own.
ALTER TABLE orgs DROP CONSTRAINT orgs_kind_check;
ALTER TABLE orgs ADD CONSTRAINT orgs_kind_check
    CHECK (kind IN ('ks','stadsdelsnamnd','facknamnd','bolag','rad','office','external'));
