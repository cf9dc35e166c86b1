-- 0250 (issue 12 ingest budget, ≥ 2,000 page views/s on one process): less index and constraint work
-- per page view in PostgreSQL.
--
-- A page view updates its visit (last_at, seen_at, views, page, title). last_at was a key of both
-- site_visits indexes, so every such update wrote a new entry into each of the three indexes. With no
-- index on a column the ingest changes, the update is a heap-only (HOT) one: no index is touched, and
-- fillfactor leaves room on the page for the new row version.
--   site_visits_visitor: a visitor's visits by start. His visits never overlap (a new one starts only
--     when the last page view of every earlier one is over 30 minutes old), so the latest started is
--     the one with the latest page view: "his open visit" is his latest visit if its last_at is within
--     the gap (server/domain/tracking/ingest.ts), Insider's last visit is his latest started.
--   site_visits_live: the On site query (onsiteOf) filters on seen_at, which no index held; it read
--     the tenant's not-left visits through this index and still does — without last_at in it.
DROP INDEX site_visits_visitor;
CREATE INDEX site_visits_visitor ON site_visits (tenant_id, visitor_id, started_at DESC);
DROP INDEX site_visits_live;
CREATE INDEX site_visits_live ON site_visits (tenant_id) WHERE left_at IS NULL;
ALTER TABLE site_visits SET (fillfactor = 80);

-- A page view's tenant and visitor are its visit's (the ingest writes them from the same values): the
-- visit's own foreign keys hold them, and deleting a tenant or a visitor still deletes his page views
-- (tenant/visitor → site_visits → site_page_views, ON DELETE CASCADE). Two checks less per inserted row.
ALTER TABLE site_page_views DROP CONSTRAINT site_page_views_tenant_id_fkey;
ALTER TABLE site_page_views DROP CONSTRAINT site_page_views_visitor_id_fkey;
