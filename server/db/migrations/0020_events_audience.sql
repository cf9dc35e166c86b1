-- Who may receive an event over the realtime feed (the spine's audience filter, issue 7).
-- NULL: every employee socket of the tenant (status, calls, presence — as before).
-- Otherwise {"employeeIds": [...], "groupIds": [...], "staff": true}: the employees named, the members
-- of the groups named, and (staff) every supervisor and admin.
ALTER TABLE events ADD COLUMN audience jsonb;
