-- One refresh rotation, statement for statement what the auth service sends PostgreSQL (seen
-- with log_statement = all): one statement, no transaction around it. The data-modifying CTE
-- consumes the token if unconsumed and its session live, touches the session, inserts the
-- successor and returns what the access token needs. (A refresh that is not a plain rotation
-- falls back to a transaction; the load never sends one.)
-- Run with -M prepared (the R2DBC driver uses the extended protocol) and -D k=0: each client
-- consumes its own tokens in order (client_id * 10000000 + k), never one already consumed.
-- Differences from the application, all cheaper or equal: the token hashes are computed in SQL
-- (sha256 of 8 bytes) instead of bound, timestamps are now() (the idle cut-off now() - 7 days)
-- instead of bound, the sealed successor is a constant of the same length (71 bytes: a 12-byte
-- nonce, the 43-character token, a 16-byte tag).
\set k :k + 1
\set id :client_id * 10000000 + :k
WITH consumed AS (UPDATE refresh_tokens SET consumed_at = now(), successor_hash = sha256(int8send(-:id::bigint)), successor_sealed = '\x70c00372076999ad5d8376e2291274b9fb0002dd6f0b6aba8b1e70dbd9c0b584be129865056f7b77e14290a6a0c87c4cf10afb056494a634c258fcb0cc144c6faf441c037ece96'::bytea WHERE token_hash = sha256(int8send(:id::bigint)) AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_refreshed_at > now() - interval '7 days') RETURNING session_id), touched AS (UPDATE sessions SET last_refreshed_at = now() WHERE id IN (SELECT session_id FROM consumed) AND revoked_at IS NULL RETURNING id, user_id, expires_at), inserted AS (INSERT INTO refresh_tokens (token_hash, session_id, created_at) SELECT sha256(int8send(-:id::bigint)), id, now() FROM touched RETURNING session_id) SELECT t.id AS session_id, t.user_id, t.expires_at, u.roles FROM inserted i JOIN touched t ON t.id = i.session_id JOIN users u ON u.id = t.user_id;
