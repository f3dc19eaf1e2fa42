-- How a signing key's private half is sealed. 1: AES-GCM with the kid as associated data (keys
-- stored before V4); 2: the kid and the exact stored public JWK as associated data, so a changed
-- public half no longer opens. The auth service re-seals version-1 keys as version 2 once, after
-- checking that their public half matches the private key. Portable like V1.
ALTER TABLE signing_keys ADD COLUMN seal_version SMALLINT NOT NULL DEFAULT 1;
