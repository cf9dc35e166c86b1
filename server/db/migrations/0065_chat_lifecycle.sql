-- 0065 (issue 9): chat transfers (T7) and the lifecycle's tenant settings (T7 timeout, T8 closing text).
-- An offer's life is server/domain/chats/transfer-state.ts; at most one is open per chat, and the
-- 30 s expiry and the 5 s handover are durable jobs keyed by the transfer's id.
CREATE TABLE chat_transfers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  chat_id uuid NOT NULL,
  from_id uuid NOT NULL,
  to_kind text NOT NULL CHECK (to_kind IN ('employee', 'group')),
  to_id uuid NOT NULL,
  -- Who may accept: the employee, or the group's members available when it was sent.
  offered_to uuid[] NOT NULL,
  -- Members of a group who declined (the offer is declined when all have).
  declined_by uuid[] NOT NULL DEFAULT '{}',
  comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
  state text NOT NULL DEFAULT 'offered'
    CHECK (state IN ('offered', 'accepted', 'declined', 'expired', 'cancelled')),
  reason text CHECK (reason IN ('declined', 'expired', 'unavailable', 'completed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  deadline timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by uuid,
  handover_at timestamptz,
  UNIQUE (tenant_id, id),
  CHECK ((state = 'offered') = (decided_at IS NULL)),
  FOREIGN KEY (tenant_id, chat_id) REFERENCES chats(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, from_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, decided_by) REFERENCES employees(tenant_id, id) ON DELETE SET NULL (decided_by)
);
-- A second transfer while one is open is refused; two at once: one insert wins.
CREATE UNIQUE INDEX chat_transfers_open ON chat_transfers (chat_id) WHERE state = 'offered';
CREATE INDEX chat_transfers_offered_to ON chat_transfers USING gin (offered_to) WHERE state = 'offered';

-- The sender's mark on his chat row: an open offer, "Transferred", or "Transfer failed" until opened.
ALTER TABLE chats ADD COLUMN transfer jsonb;

CREATE TABLE chat_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  transfer_timeout_sec integer NOT NULL DEFAULT 30 CHECK (transfer_timeout_sec BETWEEN 1 AND 600),
  -- Sent to the client on messenger channels when a chat is completed (empty: nothing).
  closing_text text NOT NULL DEFAULT '' CHECK (length(closing_text) <= 4096)
);
