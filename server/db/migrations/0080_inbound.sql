-- 0080 (issue 8, ingest budget): the gateway's inbound queue. A webhook's client messages are written
-- here, one row each, in the webhook's own request — once written the 200 goes out and nothing is lost;
-- a worker stores them in the chats in batches (server/channels/gateway/ingest.ts). Providers deliver
-- at least once: (channel, provider's message id) is unique, so a repeat is a no-op, and the claim of
-- a media message's id happens here before its file is fetched (one fetch across every instance).
CREATE SEQUENCE inbound_seq;
CREATE TABLE inbound (
  id bigserial PRIMARY KEY,
  -- The order of arrival, per chat kept by the worker; a media message takes its place when its file
  -- is kept (it is stored after what arrived while it was fetched).
  seq bigint NOT NULL DEFAULT nextval('inbound_seq'),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  channel_id uuid NOT NULL,
  provider_msg_id text NOT NULL CHECK (length(provider_msg_id) BETWEEN 1 AND 300),
  client_address text NOT NULL,
  client_name text,
  client_phone text,
  text text NOT NULL DEFAULT '',
  file_id uuid,
  request_info jsonb,
  -- fetching: claimed by a webhook fetching its media (until lease_until); pending: ready for the
  -- worker; stored / duplicate / failed: done (failed says why in fail_reason).
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('fetching', 'pending', 'stored', 'duplicate', 'failed')),
  lease_until timestamptz,
  fail_reason text,
  message_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  UNIQUE (channel_id, provider_msg_id),
  FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX inbound_pending ON inbound (seq) WHERE state = 'pending';
CREATE INDEX inbound_fetching ON inbound (lease_until) WHERE state = 'fetching';
CREATE INDEX inbound_done ON inbound (done_at) WHERE done_at IS NOT NULL;
