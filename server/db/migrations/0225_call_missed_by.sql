-- Probe 12 #12 (C10): a call that rang a colleague who never got it — a blind transfer's leg, a
-- consultation or any colleague-to-colleague call nobody answered — is one of that colleague's
-- "My calls" ("Missed transfer from Anna"). Written when such a call fails: the employees it rang.
ALTER TABLE calls ADD COLUMN missed_by_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX calls_missed_by_ids ON calls USING gin (missed_by_ids);
UPDATE calls SET missed_by_ids = offered_ids
  WHERE state = 'failed' AND answered_by_id IS NULL
    AND (transfer_of_id IS NOT NULL OR direction = 'internal');
