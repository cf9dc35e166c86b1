-- 0060 (issue 8 §6, SPEC T11): leads from the tenant's site form. A lead is not a conversation (no
-- messages, no distribution): every operator sees it; the first who opens it takes it (a conditional
-- UPDATE … WHERE state = 'new', so of two openers at once exactly one wins); then it is completed.
CREATE TABLE leads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  state text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'taken', 'completed')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  phone text CHECK (length(phone) BETWEEN 1 AND 40),
  email text CHECK (length(email) BETWEEN 3 AND 254),
  comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
  -- The widget's visitor on the same site, when the form found one (T6 request info comes with it).
  visitor_id uuid,
  request_info jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  taken_by uuid,
  taken_at timestamptz,
  completed_at timestamptz,
  CHECK (phone IS NOT NULL OR email IS NOT NULL)
);
CREATE INDEX leads_tenant_open ON leads (tenant_id, created_at) WHERE state <> 'completed';
CREATE INDEX leads_tenant_done ON leads (tenant_id, completed_at DESC) WHERE state = 'completed';
