-- 0061 (issue 8 §7, SPEC T12): an operator's message to be sent later. The send itself is a durable
-- job ('chat.scheduled', key = this row's id, run_at = send_at); this row is what the chat lists, and
-- what the job reads when it runs (text and time edited here re-arm the job).
CREATE TABLE scheduled_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  chat_id uuid NOT NULL,
  author_id uuid NOT NULL,
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
  send_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'sent', 'cancelled', 'failed')),
  -- The chat message it became (its client id is this row's id: a job run twice sends once).
  message_id uuid,
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_messages_chat ON scheduled_messages (tenant_id, chat_id, send_at) WHERE state = 'scheduled';
