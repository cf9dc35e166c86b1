-- 0251 (issue 12 ingest budget): the page-view batch's two statements as PL/pgSQL functions, whose
-- plans PostgreSQL keeps per connection. Sent as SQL text, each batch's statements were parsed and
-- planned anew — about 1 ms of the server's CPU a batch, more than writing a batch of 30 views — and
-- drizzle/node-postgres send them unnamed (unprepared). Same statements, same results
-- (server/domain/tracking/ingest.ts reads them).

-- The batch's clock, its suspended tenants, each visitor's open visit (his latest visit, if its last
-- page view is within the gap: migration 0250) and which of `ask` have contacted the tenant (a chat,
-- a lead, a call from the site).
CREATE FUNCTION track_batch_head(tenant_ids jsonb, keys jsonb, ask jsonb, gap interval)
RETURNS TABLE (now text, suspended json, open json, contacted json)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT clock_timestamp()::text,
    (SELECT json_agg(t.id::text) FROM tenants t WHERE t.suspended_at IS NOT NULL
       AND t.id IN (SELECT jsonb_array_elements_text(tenant_ids)::uuid)),
    (SELECT json_agg(json_build_object('k', k.t::text || ':' || k.v::text, 'id', s.id))
     FROM jsonb_to_recordset(keys) AS k(t uuid, v uuid)
     CROSS JOIN LATERAL (
       SELECT sv.id, sv.last_at FROM site_visits sv WHERE sv.tenant_id = k.t AND sv.visitor_id = k.v
         ORDER BY sv.started_at DESC LIMIT 1) s
     WHERE s.last_at > clock_timestamp() - gap),
    (SELECT json_agg(k.t::text || ':' || k.v::text)
     FROM jsonb_to_recordset(ask) AS k(t uuid, v uuid)
     WHERE EXISTS (SELECT 1 FROM chats c WHERE c.tenant_id = k.t AND c.visitor_id = k.v::text)
        OR EXISTS (SELECT 1 FROM leads l WHERE l.tenant_id = k.t AND l.visitor_id = k.v)
        OR EXISTS (SELECT 1 FROM visitor_lines vl WHERE vl.tenant_id = k.t AND vl.visitor_id = k.v));
END $$;

-- The batch's writes in one statement: the new visits, the continued ones, the views (a view's visit
-- may be new: the foreign key is checked at the statement's end, when the visit is there). `at` =
-- the batch's clock + the view's position in microseconds.
CREATE FUNCTION track_batch_write(at0 timestamptz, fresh jsonb, moved jsonb, views jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH f AS (
    INSERT INTO site_visits (id, started_at, last_at, seen_at, tenant_id, visitor_id, views, page, title, referrer, utm, browser, os, device, location)
    SELECT x.id, at0 + x.a * interval '1 microsecond', at0 + x.b * interval '1 microsecond', at0 + x.b * interval '1 microsecond',
           x.t, x.v, x.n, x.page, x.title, x.referrer, x.utm, x.browser, x.os, x.device, x.location
    FROM jsonb_to_recordset(fresh) AS x(id uuid, t uuid, v uuid, a int, b int, n int, page text,
           title text, referrer text, utm jsonb, browser text, os text, device text, location jsonb)),
  m AS (
    UPDATE site_visits s SET last_at = at0 + x.b * interval '1 microsecond', seen_at = at0 + x.b * interval '1 microsecond',
      left_at = NULL, views = s.views + x.n, page = x.page, title = x.title
    FROM jsonb_to_recordset(moved) AS x(id uuid, b int, n int, page text, title text)
    WHERE s.id = x.id)
  INSERT INTO site_page_views (id, at, tenant_id, visitor_id, visit_id, page, url, title, referrer, utm)
  SELECT x.id, at0 + x.i * interval '1 microsecond', x.t, x.v, x.visit, x.page, x.url, x.title, x.referrer, x.utm
  FROM jsonb_to_recordset(views) AS x(id uuid, i int, t uuid, v uuid, visit uuid, page text,
         url text, title text, referrer text, utm jsonb)
  ORDER BY x.i;
END $$;
