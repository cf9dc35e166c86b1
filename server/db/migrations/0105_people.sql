-- 0105 (issue 13, people): the audit log of admin changes, suspended tenants, deactivated employees.
-- actor_id is null for the platform's own tools (the tenant CLI); actor_name is kept as written then,
-- so the log stays readable after the actor is renamed. before/after never hold a password or hash.
CREATE TABLE audit_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  actor_id uuid,
  actor_name text NOT NULL DEFAULT '',
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL DEFAULT '',
  before jsonb,
  after jsonb,
  -- Milliseconds, as JavaScript dates hold them: the page cursor `at|id` then compares exactly.
  at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC, id DESC);

-- A suspended tenant: every session and SIP line cut, logins refused, until re-activated.
ALTER TABLE tenants ADD COLUMN suspended_at timestamptz;
-- A deactivated employee keeps his row (history, calls, chats) but holds no seat and cannot sign in.
ALTER TABLE employees ADD COLUMN deactivated_at timestamptz;
