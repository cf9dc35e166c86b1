-- 0070 (UI probe #16): why an operator's message could not be delivered, shown under its "!" in the
-- app: 'setup' (the channel cannot send: no SMTP relay, credentials…), 'rejected' (the provider
-- refused it), 'unreachable' (every retry failed). Null for every message that did not fail.
ALTER TABLE messages ADD COLUMN fail_reason text
  CHECK (fail_reason IS NULL OR fail_reason IN ('setup', 'rejected', 'unreachable'));
