-- 0091 (probe 10 finding 1): a subscription that keeps failing is dropped. `failures` counts
-- consecutive failed sends, `failing_since` is when the first of them happened (a success resets both).
ALTER TABLE push_subscriptions ADD COLUMN failures integer NOT NULL DEFAULT 0;
ALTER TABLE push_subscriptions ADD COLUMN failing_since timestamptz;
