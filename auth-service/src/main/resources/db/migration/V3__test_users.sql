-- Users made in bulk for load tests (the seed-sessions command) are marked, so that the same
-- command can list and delete them and nothing else. Portable like V1.
ALTER TABLE users ADD COLUMN test_user BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX users_test_user ON users (test_user);
