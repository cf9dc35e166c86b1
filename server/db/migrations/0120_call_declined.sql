-- C10 (issue 11 §3): a call an operator declined is one of "My calls". The app says so when its
-- operator declines a ringing call offered to them; the server keeps who (each once).
ALTER TABLE calls ADD COLUMN declined_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX calls_declined_ids ON calls USING gin (declined_ids);
