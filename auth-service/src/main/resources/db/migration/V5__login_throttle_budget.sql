-- Attempt budgets of the login and password-change throttles; replaces login_attempts. Portable
-- like V1. One row per bucket:
--   'account:<email>'        back-off of an address, whether or not an account exists
--   'device:<email> <ip>'    back-off of an account at the client address it last logged in from
--   'password:<user id>'     back-off of the current-password check of a password change
--   'client:<ip>'            failed logins of one client address (an IPv6 /64) in a fixed window
--   'global'                 failed logins across all accounts in a fixed window
-- A back-off bucket's attempts are its run of attempts and last_at the latest; a window bucket's
-- attempts are those of the window starting at last_at. An attempt is taken from a budget by one
-- conditional UPDATE before the password is checked, so parallel requests and replicas cannot
-- overshoot it; a success gives it back.
CREATE TABLE attempt_budgets (
    bucket        VARCHAR(400)             PRIMARY KEY,
    attempts      INTEGER                  NOT NULL,
    last_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    blocked_until TIMESTAMP WITH TIME ZONE
);
CREATE INDEX attempt_budgets_last_at ON attempt_budgets (last_at);

INSERT INTO attempt_budgets (bucket, attempts, last_at, blocked_until)
    SELECT 'account:' || email, failures, last_failure_at, blocked_until FROM login_attempts;
DROP TABLE login_attempts;

-- The client address of each account's latest successful login: it may still try while the
-- account is slowed down by someone else's guesses.
ALTER TABLE users ADD COLUMN last_login_ip VARCHAR(64);
