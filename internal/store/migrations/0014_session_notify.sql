-- A web server keeps the sessions it has checked in memory (issue 20:
-- store.sessionCache), so a request costs no statement. Every change
-- that makes such a copy wrong is announced on the channel
-- remiss_sessions, after its transaction commits, to every server
-- listening: 's:' and the session's id_hash when a session ends or
-- changes, 'u:' and the username when a user changes or goes (their
-- sessions carry the user), '*' when a table is truncated (forget all).

CREATE FUNCTION remiss_session_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('remiss_sessions', 's:' || OLD.id_hash);
    RETURN NULL;
END $$;

CREATE FUNCTION remiss_user_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('remiss_sessions', 'u:' || OLD.username);
    RETURN NULL;
END $$;

CREATE FUNCTION remiss_sessions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('remiss_sessions', '*');
    RETURN NULL;
END $$;

CREATE TRIGGER sessions_notify_delete AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION remiss_session_notify();
-- The check notes a session's use at most once a minute: that touch moves
-- last_used_at forward and changes nothing a copy relies on (a copy keeps
-- the use it knew, which is never later than the true one), so it is not
-- announced. Any other change is, and so is last_used_at moved back or
-- cleared, which may end a session by its idle timeout.
CREATE TRIGGER sessions_notify_update AFTER UPDATE ON sessions
    FOR EACH ROW WHEN (to_jsonb(OLD) - 'last_used_at' IS DISTINCT FROM to_jsonb(NEW) - 'last_used_at'
        OR (OLD.last_used_at IS NOT NULL AND (NEW.last_used_at IS NULL OR NEW.last_used_at < OLD.last_used_at)))
    EXECUTE FUNCTION remiss_session_notify();
CREATE TRIGGER sessions_notify_truncate AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION remiss_sessions_truncated();

-- A user's row changes seldom (a directory sync, a sign-in that brings
-- names and role up to date, a new password): any update is announced.
CREATE TRIGGER users_notify_update AFTER UPDATE ON users
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION remiss_user_notify();
CREATE TRIGGER users_notify_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION remiss_user_notify();
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION remiss_sessions_truncated();
