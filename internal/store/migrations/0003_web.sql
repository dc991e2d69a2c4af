-- Server-side sessions for the web pages and bearer tokens for the API.
-- Only SHA-256 hashes of the secrets are stored.
CREATE TABLE sessions (
    id_hash    text PRIMARY KEY,
    username   text NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    csrf       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('web','api')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions(username);

-- Failed logins, for throttling.
CREATE TABLE login_failures (
    id       bigserial PRIMARY KEY,
    username text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_user ON login_failures(username, at);
