-- 0021 (issue 6 review): the guest limits count in a window that starts at a key's first hit, like the
-- login throttle (server/db/windows.ts), no longer in windows aligned to the clock — a burst across a
-- clock edge got twice the limit. One row per key, the shape of login_attempts. The old rows only
-- counted windows still running: they go with the old table (the limits start afresh once, at upgrade).
DROP TABLE guest_rate_hits;
CREATE TABLE guest_rate_hits (
  key text PRIMARY KEY,
  count integer NOT NULL CHECK (count >= 0),
  window_start timestamptz NOT NULL
);
CREATE INDEX guest_rate_hits_window ON guest_rate_hits (window_start);
