-- 0125 (issue 11 §5, C9): a website visitor nobody could answer leaves a number for a call back. The
-- request is a missed call of its own (shared list, handled like any other), marked as a request, with
-- the name the visitor gave (shown as text) and the visitor behind it (the inbox's one identity).
ALTER TABLE calls ADD COLUMN callback_request boolean NOT NULL DEFAULT false;
ALTER TABLE calls ADD COLUMN callback_name text;
ALTER TABLE calls ADD COLUMN visitor_id uuid;
