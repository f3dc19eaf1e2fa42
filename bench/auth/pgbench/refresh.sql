-- One refresh rotation, statement for statement what the auth service sends PostgreSQL (seen
-- with log_statement = all): the transaction, the token+session read, the conditional consume,
-- the successor insert, the session touch.
-- Run with -M prepared (the R2DBC driver uses the extended protocol) and -D k=0: each client
-- consumes its own tokens in order (client_id * 10000000 + k), never one already consumed.
-- Differences from the application, all cheaper or equal: the token hashes are computed in SQL
-- (sha256 of 8 bytes) instead of bound, timestamps are now(), the sealed successor is a
-- constant of the same length (72 bytes).
\set k :k + 1
\set id :client_id * 10000000 + :k
BEGIN READ WRITE;
SELECT rt.session_id, rt.consumed_at, rt.successor_sealed, s.user_id, s.expires_at, s.last_refreshed_at, s.revoked_at, u.roles FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id WHERE rt.token_hash = sha256(int8send(:id::bigint));
UPDATE refresh_tokens SET consumed_at = now(), successor_hash = sha256(int8send(-:id::bigint)), successor_sealed = '\x70c00372076999ad5d8376e2291274b9fb0002dd6f0b6aba8b1e70dbd9c0b584be129865056f7b77e14290a6a0c87c4cf10afb056494a634c258fcb0cc144c6faf441c037ece96'::bytea WHERE token_hash = sha256(int8send(:id::bigint)) AND consumed_at IS NULL;
INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (sha256(int8send(-:id::bigint)), md5(:client_id::text)::uuid, now());
UPDATE sessions SET last_refreshed_at = now() WHERE id = md5(:client_id::text)::uuid;
COMMIT;
