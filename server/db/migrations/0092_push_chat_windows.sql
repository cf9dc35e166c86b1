-- 0092 (probe 10 finding 5): anonymous visitors' new chats pushed to every available operator, one
-- push each. Now at most one chat push per operator per window: `last_push_at` is when the last one
-- went out, `pending` counts the chats since that were folded into the coming "N new chats" push.
CREATE TABLE push_chat_windows (
  tenant_id uuid NOT NULL,
  employee_id uuid NOT NULL,
  last_push_at timestamptz NOT NULL,
  pending integer NOT NULL DEFAULT 0 CHECK (pending >= 0),
  PRIMARY KEY (tenant_id, employee_id),
  FOREIGN KEY (tenant_id, employee_id) REFERENCES employees(tenant_id, id) ON DELETE CASCADE
);
