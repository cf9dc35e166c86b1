-- Issue 12 §6 (K3): contacts from elsewhere. A CSV import or a CRM upserts a client by the id it has
-- in that other system; one id names at most one client of a tenant.
ALTER TABLE contacts ADD COLUMN external_id text;
CREATE UNIQUE INDEX contacts_tenant_external_id ON contacts (tenant_id, external_id) WHERE external_id IS NOT NULL;
