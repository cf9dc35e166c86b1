-- Issue 12 §6 (K3): a CRM pushes the tenant's contacts to POST /api/hooks/crm-contacts/:key, signed
-- like the gateway protocol (X-Frontline-Timestamp / X-Frontline-Signature with this secret). With
-- read_only the book is the CRM's: the app's own edits of clients are refused.
CREATE TABLE crm_contact_sources (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  hook_key text NOT NULL UNIQUE CHECK (length(hook_key) BETWEEN 16 AND 64),
  secret text NOT NULL,
  read_only boolean NOT NULL DEFAULT false
);
-- Signatures seen within the replay window (as webhook_replays, per tenant).
CREATE TABLE crm_contact_replays (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  signature text NOT NULL CHECK (length(signature) BETWEEN 1 AND 128),
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, signature)
);
