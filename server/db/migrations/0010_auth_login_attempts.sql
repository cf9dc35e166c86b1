-- 0010: the login throttle's counters (issue 6 item 3; server/domain/auth/throttle.ts). In the database,
-- not in memory, so every instance sharing it counts the same attempts. One row per key (a sha256 of
-- login+address or of the login alone), a fixed window per row; rows of past windows are swept.
-- No tenant_id: the throttle runs before anyone is known, and the key names no tenant.
CREATE TABLE login_attempts (
  key text PRIMARY KEY,
  count integer NOT NULL CHECK (count >= 0),
  window_start timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
