-- The revocation feed. Portable between PostgreSQL and H2 in PostgreSQL mode, like V1.

-- One row per serialised counter. A writer increments its row as the last statement of its
-- transaction: the row lock makes the next writer wait until the first commits, so ids are
-- handed out in commit order (a sequence would not be: a lower id may commit after a higher one,
-- and a reader resuming after the higher one would miss it). The 'signing_keys' row is only a
-- lock that keeps replicas from creating or rotating keys at the same time.
CREATE TABLE serial_locks (
    name    VARCHAR(32) PRIMARY KEY,
    last_id BIGINT      NOT NULL
);
INSERT INTO serial_locks (name, last_id) VALUES ('revocation_events', 0);
INSERT INTO serial_locks (name, last_id) VALUES ('signing_keys', 0);

-- Every ended grant of access, kept until no token it affects can still be valid.
CREATE TABLE revocation_events (
    id          BIGINT                   PRIMARY KEY,
    kind        VARCHAR(16)              NOT NULL,
    subject     VARCHAR(64)              NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    valid_until TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX revocation_events_valid_until ON revocation_events (valid_until);

-- A withdrawn key (compromised, or withdrawn by an operator) is neither published nor used.
ALTER TABLE signing_keys ADD COLUMN withdrawn_at TIMESTAMP WITH TIME ZONE;
