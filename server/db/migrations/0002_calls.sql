-- 0002: calls (SPEC C8–C10), live SIP registrations, demo-site guest lines, group routing settings.

-- NULL: the tenant's own registered `gateway` account stands for the phone network (demo).
ALTER TABLE tenants ADD COLUMN sip_gateway text;
-- Sequential / round robin / longest idle ring each member this long before the next (SPEC C3).
ALTER TABLE groups ADD COLUMN ring_timeout_sec integer NOT NULL DEFAULT 20
  CHECK (ring_timeout_sec BETWEEN 5 AND 300);
-- round_robin: the member offered first last time.
ALTER TABLE groups ADD COLUMN rr_cursor uuid;

-- Lets calls point at a contact of their own tenant only (composite key, as for employees).
ALTER TABLE contacts ADD CONSTRAINT contacts_tenant_id_id_key UNIQUE (tenant_id, id);

CREATE TABLE calls (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  sip_call_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out', 'internal')),
  state text NOT NULL CHECK (state IN ('ringing', 'answered', 'ended', 'failed')),
  -- The From URI's user part (extension, guest-…, gateway): finds the call a transferee was in.
  caller_user text NOT NULL,
  from_number text NOT NULL,
  to_number text NOT NULL,
  peer_number text NOT NULL,
  -- peer_number's digits: history search and "call back clears missed" (C9) compare digits.
  peer_digits text NOT NULL DEFAULT '',
  virtual_number text,
  caller_employee_id uuid,
  answered_by_id uuid,
  group_id uuid,
  contact_id uuid,
  transfer_of_id uuid,
  -- Everyone a target set was offered to (a participant before the answer event lands).
  offered_ids uuid[] NOT NULL DEFAULT '{}',
  -- The hunt still to go (sequential strategies): the failure_route asks for the next set.
  plan jsonb,
  started_at timestamptz NOT NULL,
  answered_at timestamptz,
  ended_at timestamptz,
  duration_sec integer,
  failure_code integer,
  failure_reason text,
  missed boolean NOT NULL DEFAULT false,
  handled_by_id uuid,
  handled_at timestamptz,
  handled_how text CHECK (handled_how IN ('mark', 'callback')),
  UNIQUE (tenant_id, sip_call_id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, caller_employee_id) REFERENCES employees(tenant_id, id) ON DELETE SET NULL (caller_employee_id),
  FOREIGN KEY (tenant_id, answered_by_id) REFERENCES employees(tenant_id, id) ON DELETE SET NULL (answered_by_id),
  FOREIGN KEY (tenant_id, handled_by_id) REFERENCES employees(tenant_id, id) ON DELETE SET NULL (handled_by_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups(tenant_id, id) ON DELETE SET NULL (group_id),
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE SET NULL (contact_id)
);
CREATE INDEX calls_history ON calls (tenant_id, started_at DESC, id DESC);
CREATE INDEX calls_missed ON calls (tenant_id, started_at DESC, id DESC) WHERE missed AND handled_at IS NULL;
CREATE INDEX calls_live ON calls (tenant_id) WHERE state IN ('ringing', 'answered');

-- One recording per participant who uploaded (both sides of an internal call may record).
CREATE TABLE call_recordings (
  tenant_id uuid NOT NULL,
  call_id uuid NOT NULL,
  employee_id uuid NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  type text NOT NULL CHECK (type IN ('audio/webm', 'audio/ogg')),
  size integer NOT NULL CHECK (size > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (call_id, employee_id),
  FOREIGN KEY (tenant_id, call_id) REFERENCES calls(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, employee_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE
);

-- What Kamailio's registrar holds per AOR, reported after each REGISTER (S1 "softphone" needs a line).
CREATE TABLE sip_registrations (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  username text NOT NULL,
  contacts integer NOT NULL,
  expires_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, username)
);

-- Demo-site callers: a guest may dial only the tenant's virtual numbers.
CREATE TABLE sip_guests (
  username text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
