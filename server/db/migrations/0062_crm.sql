-- 0062 (issue 8 §9, SPEC T13): the tenant's CRM webhook and each hand-off to it. A delivery is
-- created in the transaction that wants it (a chat's completion, "Send to CRM") with its job
-- ('crm.deliver', key = the delivery id); its body is fixed at the first attempt, so every retry
-- carries the same delivery id and the same JSON, and the CRM can dedupe on X-Frontline-Delivery.
CREATE TABLE crm_webhooks (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
  secret text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE crm_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  chat_id uuid NOT NULL,
  event text NOT NULL CHECK (event IN ('chat.completed', 'chat.sent')),
  requested_by uuid,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  body text,
  attempts integer NOT NULL DEFAULT 0,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX crm_deliveries_chat ON crm_deliveries (tenant_id, chat_id, created_at);
