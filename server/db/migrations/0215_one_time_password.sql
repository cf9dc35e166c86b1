-- 0215 (issue 13, probe 13 UI #13/#14): a password issued by an admin or by the tenant CLI is one-time —
-- until the employee sets his own (PUT /api/me/password) the API answers only the set-password step.
ALTER TABLE employees ADD COLUMN password_one_time boolean NOT NULL DEFAULT false;

-- Why a session was ended, told to the device it ended on ('password_changed': the owner changed his
-- password on another device; 'password_reset': the admin issued a new one). Null: signed out, etc.
ALTER TABLE sessions ADD COLUMN revoked_reason text;
