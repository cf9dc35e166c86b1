-- 0090 (issue 10 §1, SPEC N1): Web Push subscriptions, one per device and account. The endpoint is
-- the push service's URL for one browser profile: unique, so a device that signs in as another
-- employee moves its subscription rather than pushing to both. The VAPID keys are a setting
-- ('push_vapid', created at first start, server/push/vapid.ts): rotating them would void every row here.
CREATE TABLE push_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  employee_id uuid NOT NULL,
  endpoint text NOT NULL UNIQUE CHECK (endpoint ~ '^https?://' AND length(endpoint) <= 2000),
  p256dh text NOT NULL CHECK (length(p256dh) BETWEEN 80 AND 100),
  auth text NOT NULL CHECK (length(auth) BETWEEN 16 AND 30),
  user_agent text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 400),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, employee_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX push_subscriptions_employee ON push_subscriptions (tenant_id, employee_id);
