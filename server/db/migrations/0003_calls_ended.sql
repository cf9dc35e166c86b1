-- 0003: routing's longest-idle figures read each employee's last call end of the past day for every
-- route request (server/domain/calls/snapshot.ts). Without this index that read walks the tenant's
-- whole call history (calls_history is ordered by start, not end).
CREATE INDEX calls_ended ON calls (tenant_id, ended_at) WHERE ended_at IS NOT NULL;
