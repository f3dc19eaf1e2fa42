-- Seeds the pgbench ceiling database (schema: the auth service's own migration, applied first).
-- psql variables: clients (pgbench -c), per_client (refresh tokens each client may consume).
-- One account; one session per pgbench client (like one refresh chain per load connection in
-- the application run, so no two clients update the same session row); per_client live
-- refresh tokens per session, token_hash = sha256(int8send(client * 10000000 + k)), k = 1..per_client.
INSERT INTO users (id, email, password_hash, roles, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'bench@example.com', 'not-a-hash', 'user', now(), now());

INSERT INTO sessions (id, user_id, created_at, last_refreshed_at, expires_at, user_agent, client_ip)
SELECT md5(c::text)::uuid, '00000000-0000-0000-0000-000000000001', now(), now(), now() + interval '30 days',
       'wrk', '127.0.0.1'
FROM generate_series(0, :clients - 1) AS c;

INSERT INTO refresh_tokens (token_hash, session_id, created_at)
SELECT sha256(int8send(c::bigint * 10000000 + k)), md5(c::text)::uuid, now()
FROM generate_series(0, :clients - 1) AS c, generate_series(1, :per_client) AS k;

VACUUM ANALYZE;
