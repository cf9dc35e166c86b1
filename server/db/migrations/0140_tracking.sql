-- 0140 (issue 12 §1, SPEC I3): the tracking snippet's visits and page views, and the durable link
-- from a demo-site guest line to its visitor (sip_guests rows are deleted when the line expires, the
-- calls stay: Insider counts a visitor's calls through this link).

-- A visit: a session of one visitor, ended by 30 minutes without a page view (server/domain/tracking).
-- left_at: the visitor closed the site's last page (the snippet's pagehide); a later view clears it.
-- location.kind: public | private | loopback | unknown — private and loopback addresses say so.
CREATE TABLE site_visits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  visitor_id uuid NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_at timestamptz NOT NULL DEFAULT now(),
  -- seen_at: the last page view or ping (on site now); last_at: the last page view (the 30 minutes).
  seen_at timestamptz NOT NULL DEFAULT now(),
  left_at timestamptz,
  views integer NOT NULL DEFAULT 0,
  page text NOT NULL DEFAULT '',
  title text NOT NULL DEFAULT '',
  referrer text,
  utm jsonb NOT NULL DEFAULT '{}'::jsonb,
  browser text NOT NULL DEFAULT '',
  os text NOT NULL DEFAULT '',
  device text NOT NULL DEFAULT '',
  location jsonb NOT NULL DEFAULT '{"kind":"unknown"}'::jsonb
);
CREATE INDEX site_visits_visitor ON site_visits (tenant_id, visitor_id, last_at DESC);
CREATE INDEX site_visits_live ON site_visits (tenant_id, last_at DESC) WHERE left_at IS NULL;

-- A page view: page is the URL without query and fragment (what top pages group by), url the whole.
CREATE TABLE site_page_views (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  visitor_id uuid NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  visit_id uuid NOT NULL REFERENCES site_visits(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  page text NOT NULL,
  url text NOT NULL,
  title text NOT NULL DEFAULT '',
  referrer text,
  utm jsonb NOT NULL DEFAULT '{}'::jsonb,
  duration_ms integer
);
CREATE INDEX site_page_views_visitor ON site_page_views (tenant_id, visitor_id, page);

-- Guest line → visitor, kept after the line itself is deleted.
CREATE TABLE visitor_lines (
  username text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  visitor_id uuid NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visitor_lines_visitor ON visitor_lines (tenant_id, visitor_id);

CREATE FUNCTION keep_visitor_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.visitor_id IS NOT NULL THEN
    INSERT INTO visitor_lines (username, tenant_id, visitor_id) VALUES (NEW.username, NEW.tenant_id, NEW.visitor_id)
    ON CONFLICT (username) DO NOTHING;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sip_guests_keep_visitor AFTER INSERT ON sip_guests FOR EACH ROW EXECUTE FUNCTION keep_visitor_line();

-- "Has this visitor contacted the company?" is asked on page views: by index, not by scan.
CREATE INDEX chats_visitor_any ON chats (tenant_id, visitor_id) WHERE visitor_id IS NOT NULL;
CREATE INDEX leads_visitor_any ON leads (tenant_id, visitor_id) WHERE visitor_id IS NOT NULL;
