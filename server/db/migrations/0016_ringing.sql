-- 0016 (issue 6 §11): who a ringing call is ringing right now, so presence can say "Ringing" and
-- routing offers nobody a second call while their phone rings. Replaced when a hunt moves to its next
-- set, emptied when the call is answered, fails or ends (server/domain/calls/route.ts, dialog.ts).
ALTER TABLE calls ADD COLUMN ringing_ids uuid[] NOT NULL DEFAULT '{}';
