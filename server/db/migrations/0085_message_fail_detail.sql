-- 0085 (issue 8, files to Viber and VK): the provider's readable reason for a failed delivery, when
-- the adapter has one (VK's error 901 "the client has not allowed the community to message them", a
-- Viber file with no public address configured), in Russian and English; shown under the message's
-- "!" next to its fail_reason class. Never the provider's raw answer (that stays in jobs.last_error).
ALTER TABLE messages ADD COLUMN fail_detail text
  CHECK (fail_detail IS NULL OR char_length(fail_detail) <= 300);
