-- Probe 12 #15 (C1, C6): a consultation — a colleague called by an operator who has a client's call
-- answered — names that call, so the colleague's incoming screen says which client it is about.
ALTER TABLE calls ADD COLUMN consult_of_id uuid;
