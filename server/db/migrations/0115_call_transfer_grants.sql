-- 0115 (issue 11 §1, SPEC C5): a blind transfer's leg is authorised by the server, not by a header the
-- transferee writes. Kamailio reports every REFER it relays inside a call (POST /internal/sip/refer);
-- the server grants the party referred exactly that target, on that party's own connection, for the
-- tenant's call transfer timeout — once (used_by_call_id: the leg's Call-ID, so a retransmitted or
-- re-authenticated INVITE of the same leg is still the same use).
CREATE TABLE call_transfer_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  call_id uuid NOT NULL,
  referrer_id uuid NOT NULL,
  transferee_user text NOT NULL,
  transferee_conn text NOT NULL,
  target text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_by_call_id text,
  used_at timestamptz
);
CREATE INDEX call_transfer_grants_lookup ON call_transfer_grants (tenant_id, transferee_user, target, expires_at);

-- The call settings of a tenant: how long a blind transfer may take before the operator's app gives
-- up and returns to the client (SPEC C5). Defaults to 30 s when never set.
CREATE TABLE call_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  transfer_timeout_sec integer NOT NULL DEFAULT 30 CHECK (transfer_timeout_sec BETWEEN 2 AND 600)
);
