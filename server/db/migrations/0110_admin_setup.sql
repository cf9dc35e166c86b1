-- 0110 (issue 13 §2): what the admin's Groups, Virtual numbers and Settings screens edit.

-- A group that takes chats is a chat distribution target (T2): a channel's listed groups count only
-- while they take chats. On by default, so every group listed before keeps distributing.
ALTER TABLE groups ADD COLUMN takes_chats boolean NOT NULL DEFAULT true;

-- A virtual number says what it is for ("Sales · website": the incoming screen may show it) and rings
-- a group or one employee — never both.
ALTER TABLE virtual_numbers ADD COLUMN name text NOT NULL DEFAULT '';
ALTER TABLE virtual_numbers ADD COLUMN source text NOT NULL DEFAULT '';
ALTER TABLE virtual_numbers ADD COLUMN employee_id uuid;
ALTER TABLE virtual_numbers ADD CONSTRAINT virtual_numbers_employee_fk
  FOREIGN KEY (tenant_id, employee_id) REFERENCES employees(tenant_id, id);
ALTER TABLE virtual_numbers ADD CONSTRAINT virtual_numbers_one_target
  CHECK (group_id IS NULL OR employee_id IS NULL);

-- The demo's numbers get their names (a fresh demo gets them from the seed).
UPDATE virtual_numbers v SET name = 'Sales', source = 'website'
  FROM tenants t WHERE t.id = v.tenant_id AND t.slug = 'demo' AND v.number = '+74951204560' AND v.name = '';
UPDATE virtual_numbers v SET name = 'Support', source = 'Yandex Direct'
  FROM tenants t WHERE t.id = v.tenant_id AND t.slug = 'demo' AND v.number = '+74951204561' AND v.name = '';

-- CRM card links (the operator opens the client in the CRM): URL templates with {phone}-style
-- placeholders, validated as https by the server.
CREATE TABLE crm_cards (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  templates jsonb NOT NULL DEFAULT '[]'::jsonb
);
