-- 0145 (issue 12 §4, SPEC S3/S4): the status log is the workload report's source.
-- Who set a status when it was not the employee himself (a supervisor forcing it, S3); null = himself
-- (or the system: deactivation).
ALTER TABLE status_log ADD COLUMN set_by uuid;

-- Append-only: a report summed from the log must not change under the supervisor's feet. Rows go only
-- with their employee or tenant (ON DELETE CASCADE); an UPDATE is refused.
CREATE FUNCTION status_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'status_log is append-only';
END
$$;
CREATE TRIGGER status_log_no_update BEFORE UPDATE ON status_log
  FOR EACH ROW EXECUTE FUNCTION status_log_append_only();

-- The report reads every employee's rows of a period at once.
CREATE INDEX status_log_tenant_at ON status_log (tenant_id, at);
