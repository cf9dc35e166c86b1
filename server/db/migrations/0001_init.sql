-- 0001: the walking skeleton's tables. Multi-tenant from the start: tenant_id on every row.
CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  sip_domain text NOT NULL UNIQUE,
  seats integer NOT NULL CHECK (seats >= 0),
  features jsonb NOT NULL,
  status_matrix jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE employees (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  login text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
  extension text NOT NULL,
  mobile text,
  email text,
  status text NOT NULL DEFAULT 'off_work',
  status_since timestamptz NOT NULL DEFAULT now(),
  accept_button boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, extension),
  UNIQUE (tenant_id, id)
);

CREATE TABLE groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL,
  extension text NOT NULL,
  strategy text NOT NULL CHECK (strategy IN ('parallel', 'sequential', 'round_robin', 'longest_idle')),
  UNIQUE (tenant_id, extension),
  UNIQUE (tenant_id, id)
);

-- Composite foreign keys keep a member from pointing into another tenant.
CREATE TABLE group_members (
  tenant_id uuid NOT NULL,
  group_id uuid NOT NULL,
  employee_id uuid NOT NULL,
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, employee_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, employee_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE status_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL,
  employee_id uuid NOT NULL,
  status text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, employee_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX status_log_employee_at ON status_log (tenant_id, employee_id, at);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL,
  employee_id uuid NOT NULL,
  token_hash text NOT NULL UNIQUE,
  user_agent text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  FOREIGN KEY (tenant_id, employee_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_live ON sessions (tenant_id, employee_id) WHERE revoked_at IS NULL;

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL,
  phones text[] NOT NULL DEFAULT '{}',
  emails text[] NOT NULL DEFAULT '{}',
  telegram text,
  channels jsonb NOT NULL DEFAULT '[]'::jsonb,
  group_id uuid,
  manager_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups(tenant_id, id),
  FOREIGN KEY (tenant_id, manager_id) REFERENCES employees(tenant_id, id)
);
CREATE INDEX contacts_tenant_name ON contacts (tenant_id, lower(name));

CREATE TABLE channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind text NOT NULL,
  name text NOT NULL,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  connected boolean NOT NULL DEFAULT false,
  auto_complete_minutes integer CHECK (auto_complete_minutes > 0)
);

CREATE TABLE virtual_numbers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  number text NOT NULL UNIQUE,
  group_id uuid,
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups(tenant_id, id)
);

CREATE TABLE templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  owner_id uuid,
  name text NOT NULL,
  text text NOT NULL,
  allowed_employee_ids uuid[] NOT NULL DEFAULT '{}',
  FOREIGN KEY (tenant_id, owner_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE
);

-- Server-wide secrets; not tenant data.
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  type text NOT NULL,
  payload jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_tenant_seq ON events (tenant_id, seq);
