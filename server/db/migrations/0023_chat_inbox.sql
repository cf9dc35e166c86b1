-- 0023 (issue 7, chat): chats, their messages, stored files (attachments, voice messages, template
-- attachments), template attachments, and indexes for the Requests tabs. A chat's lifecycle is in
-- server/domain/chats/state.ts; composite foreign keys keep every reference inside its tenant.

CREATE TABLE files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- The name as given, shown as text and never used as a path (downloads sanitise it).
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  type text NOT NULL,
  size integer NOT NULL CHECK (size >= 0),
  duration_ms integer CHECK (duration_ms >= 0),
  uploaded_by_employee uuid,
  -- The website visitor's id (the visitors table comes with the webchat work; no FK to it).
  uploaded_by_visitor text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, uploaded_by_employee) REFERENCES employees(tenant_id, id)
    ON DELETE SET NULL (uploaded_by_employee)
);

CREATE TABLE chats (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  channel text NOT NULL,
  state text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'active', 'completed')),
  assignee_id uuid,
  -- The distribution: groups whose operators see it while it is new (empty: every operator).
  group_ids uuid[] NOT NULL DEFAULT '{}',
  visitor_id text,
  client_name text,
  client_phone text,
  client_email text,
  contact_id uuid,
  request_info jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Since when the client waits for an answer; null once an operator answered the last client message.
  waiting_since timestamptz,
  last_message_at timestamptz,
  accepted_at timestamptz,
  completed_at timestamptz,
  completed_by uuid,
  message_count integer NOT NULL DEFAULT 0 CHECK (message_count >= 0),
  operator_read_n integer NOT NULL DEFAULT 0 CHECK (operator_read_n >= 0),
  client_read_n integer NOT NULL DEFAULT 0 CHECK (client_read_n >= 0),
  UNIQUE (tenant_id, id),
  CHECK (state <> 'new' OR assignee_id IS NULL),
  CHECK ((state = 'completed') = (completed_at IS NOT NULL)),
  FOREIGN KEY (tenant_id, assignee_id) REFERENCES employees(tenant_id, id) ON DELETE SET NULL (assignee_id),
  FOREIGN KEY (tenant_id, completed_by) REFERENCES employees(tenant_id, id) ON DELETE SET NULL (completed_by),
  FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE SET NULL (contact_id)
);
-- A visitor has at most one open chat per channel: two first messages at once open one chat.
CREATE UNIQUE INDEX chats_open_per_visitor ON chats (tenant_id, channel, visitor_id)
  WHERE state <> 'completed' AND visitor_id IS NOT NULL;
-- New: longest-waiting first.
CREATE INDEX chats_new ON chats (tenant_id, waiting_since, created_at) WHERE state = 'new';
-- In work: mine.
CREATE INDEX chats_active ON chats (tenant_id, assignee_id) WHERE state = 'active';
-- Completed: paged by (completed_at, id), newest first; by who completed it, or all (staff).
CREATE INDEX chats_completed ON chats (tenant_id, completed_at DESC, id DESC) WHERE state = 'completed';
CREATE INDEX chats_completed_by ON chats (tenant_id, completed_by, completed_at DESC) WHERE state = 'completed';

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL,
  chat_id uuid NOT NULL,
  -- Position in the chat from 1, gap-free (given under the chat row's lock).
  n integer NOT NULL CHECK (n >= 1),
  -- Made once on the composing device: a retry finds the stored message instead of adding a copy.
  client_msg_id text NOT NULL CHECK (length(client_msg_id) BETWEEN 1 AND 100),
  author text NOT NULL CHECK (author IN ('client', 'operator', 'system')),
  author_id uuid,
  kind text NOT NULL CHECK (kind IN ('text', 'file', 'voice', 'system')),
  text text NOT NULL DEFAULT '',
  reply_to_id uuid,
  file_id uuid,
  at timestamptz NOT NULL DEFAULT now(),
  delivery text NOT NULL DEFAULT 'sent' CHECK (delivery IN ('sent', 'delivered', 'read', 'failed')),
  UNIQUE (tenant_id, client_msg_id),
  UNIQUE (chat_id, n),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, chat_id) REFERENCES chats(tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, author_id) REFERENCES employees(tenant_id, id) ON DELETE SET NULL (author_id),
  FOREIGN KEY (tenant_id, reply_to_id) REFERENCES messages(tenant_id, id) ON DELETE SET NULL (reply_to_id),
  FOREIGN KEY (tenant_id, file_id) REFERENCES files(tenant_id, id)
);

ALTER TABLE templates ADD COLUMN attachment_ids uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE templates ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX templates_tenant_owner ON templates (tenant_id, owner_id);
