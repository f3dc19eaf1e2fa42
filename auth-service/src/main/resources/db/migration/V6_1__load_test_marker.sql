-- A database that seed-sessions may fill with test users (who share one known password and hold
-- live sessions). Written by seed-sessions the first time it seeds a database that has no other
-- users, or when told --mark-as-test-database; without it, seed-sessions refuses a database that
-- has users it did not create. Portable like V1. At most one row.
CREATE TABLE load_test_marker (
    id        INTEGER                  PRIMARY KEY,
    marked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    reason    VARCHAR(200)             NOT NULL
);
