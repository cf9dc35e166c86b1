-- 0011 (issue 6 §4): guests can neither flood nor pass for a client.

-- Fixed-window counters of guest calls and guest-line requests (per line, per client address), shared
-- by every server instance. No tenant_id: the address limits apply before and across tenants, and a
-- key holds no tenant data (a guest user name or an address).
CREATE TABLE guest_rate_hits (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (key, window_start)
);

-- The client's number as the demo-site visitor typed it (the SIP display name): shown as "given by
-- the visitor", never matched to a contact.
ALTER TABLE calls ADD COLUMN peer_given boolean NOT NULL DEFAULT false;
