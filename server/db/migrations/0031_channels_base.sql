-- 0031 (issue 8): the base every external channel (e-mail, Telegram bot, the messenger and SMS
-- gateways) shares. A connected channel has a webhook key (the unguessable path segment its provider
-- calls) and a secret (signature key) generated at connection; a chat belongs to the channel it came
-- through and to the client's address on it (Telegram chat id, e-mail address, E.164 phone …); a
-- message keeps the provider's id of what we sent, so delivery receipts find it.
ALTER TABLE channels ADD COLUMN webhook_key text UNIQUE CHECK (webhook_key ~ '^[A-Za-z0-9_-]{16,64}$');
ALTER TABLE channels ADD COLUMN secret text;
-- What the channel is known as to clients (support@acme.example, @acme_bot, +7 …); shown in T6.
ALTER TABLE channels ADD COLUMN address text;
ALTER TABLE channels ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE channels ADD CONSTRAINT channels_tenant_id UNIQUE (tenant_id, id);

ALTER TABLE chats ADD COLUMN channel_id uuid;
ALTER TABLE chats ADD COLUMN client_address text CHECK (length(client_address) BETWEEN 1 AND 320);
ALTER TABLE chats ADD CONSTRAINT chats_channel_fk FOREIGN KEY (tenant_id, channel_id)
  REFERENCES channels(tenant_id, id) ON DELETE SET NULL (channel_id);
-- A client has at most one open chat per channel: two first messages at once open one chat.
CREATE UNIQUE INDEX chats_open_per_address ON chats (tenant_id, channel_id, client_address)
  WHERE state <> 'completed' AND client_address IS NOT NULL AND channel_id IS NOT NULL;

ALTER TABLE messages ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 300);
CREATE INDEX messages_external ON messages (tenant_id, external_id) WHERE external_id IS NOT NULL;
