-- 0050 (issue 8 §3): the Frontline gateway protocol's replay window. A signed webhook whose
-- signature was already seen within the window (±5 min around its timestamp) is refused (E_REPLAYED);
-- rows older than the window can go, since a request that old is refused by its timestamp anyway.
CREATE TABLE webhook_replays (
  channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  signature text NOT NULL CHECK (length(signature) BETWEEN 1 AND 128),
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, signature)
);
CREATE INDEX webhook_replays_seen ON webhook_replays (seen_at);
