-- Probe 13 #1: a SIP line's "not before". auth_ephemeral credentials (`<expiry>:<user>@<domain>`, 12 h)
-- are checked by their HMAC alone; a credential whose issue time (expiry − TTL) is earlier than the
-- line's last cut (password reset, deactivation, re-activation, extension change, new gateway
-- credentials) or the tenant's (suspension, re-activation; line '') is refused by Kamailio's htable
-- `linenb`, which the server writes from these rows (server/sip/lineban.ts). Unix seconds.
CREATE TABLE sip_line_cuts (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  line text NOT NULL CHECK (length(line) <= 64),
  not_before bigint NOT NULL,
  PRIMARY KEY (tenant_id, line)
);
