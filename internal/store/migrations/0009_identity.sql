-- Single sign-on, service accounts and session limits (issue 17).

-- A person who signs in through the municipality's identity provider is
-- known by the provider's stable subject ("oidc <issuer> <sub>" or
-- "saml <entityID> <NameID>"); a user made just in time has no password.
-- A service account belongs to an organisation and signs in only by its
-- tokens.
ALTER TABLE users ADD COLUMN subject text UNIQUE;
ALTER TABLE users ADD COLUMN service boolean NOT NULL DEFAULT false;

-- A service account's token carries its scopes and a name; a person's
-- token and a web session have none (NULL: whatever the user may do).
ALTER TABLE sessions ADD COLUMN scopes text[];
ALTER TABLE sessions ADD COLUMN label text NOT NULL DEFAULT '';

-- Append-only: every sign-in, refusal, change of a user's organisation or
-- role, and every service account and token made or revoked.
CREATE TABLE identity_audit (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,          -- the user (or admin) it concerns; '' for a refusal
    subject  text NOT NULL DEFAULT '',
    event    text NOT NULL,
    detail   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX identity_audit_actor ON identity_audit(actor, id);
CREATE TRIGGER identity_audit_no_update BEFORE UPDATE OR DELETE ON identity_audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- SAML: the AuthnRequests we sent (by their RelayState), and the IDs of the
-- assertions accepted, so none is accepted twice.
CREATE TABLE saml_requests (
    relay_state text PRIMARY KEY,
    request_id  text NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE TABLE saml_assertions (
    id         text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
