-- The per-session refresh limit (portcullis.auth.refresh-limit): how many rotations the session
-- made in the fixed window that began at refresh_window_start. Counted by the rotation itself,
-- in the same statement (PostgreSQL) or transaction (H2), so every replica sees one budget.
ALTER TABLE sessions ADD COLUMN refresh_window_start TIMESTAMP WITH TIME ZONE;
ALTER TABLE sessions ADD COLUMN refresh_window_count INTEGER NOT NULL DEFAULT 0;
