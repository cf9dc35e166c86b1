-- 0024 (issue 7 §2): website visitors. One row per visitor id the server signed (server/channels/
-- visitor-token.ts); the widget, the demo site's "Call us" button and later the tracking snippet all
-- carry the same id, so a visitor's chats and calls join up.
-- request_info (T6): landing page, referrer and UTM parameters as recorded at the first contact.
CREATE TABLE visitors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  name text,
  request_info jsonb,
  UNIQUE (tenant_id, id)
);
CREATE INDEX visitors_tenant_seen ON visitors (tenant_id, last_seen_at);

-- The visitor a demo-site guest line was issued to (null: a page without a visitor token).
ALTER TABLE sip_guests ADD COLUMN visitor_id uuid;
