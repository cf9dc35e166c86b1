-- 0030 (issue 8 §10): durable jobs — scheduled sends, channel deliveries, CRM retries, the chat
-- lifecycle's timers. They live here, never only in a process's memory: a worker claims due rows with
-- FOR UPDATE SKIP LOCKED (two instances never claim one row) and holds them for a lease; a worker
-- that dies mid-job leaves a lease that runs out, and the job is claimed again (server/jobs/).
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 60),
  -- At most one job per (kind, key), whatever its state: enqueueing a key twice is a no-op, so a
  -- delivery keyed by its message id is never queued twice (callers may replace a queued one).
  key text CHECK (length(key) BETWEEN 1 AND 200),
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  run_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 10 CHECK (max_attempts >= 1),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
);
CREATE UNIQUE INDEX jobs_kind_key ON jobs (kind, key) WHERE key IS NOT NULL;
CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_tenant_kind ON jobs (tenant_id, kind) WHERE state IN ('queued', 'running');
