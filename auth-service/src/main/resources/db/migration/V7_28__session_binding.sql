-- Sessions bound to a key the browser holds (a DPoP-shaped proof of possession). Portable like V1.
-- proof_jkt: the RFC 7638 SHA-256 thumbprint (base64url, 43 characters) of the public key whose
-- proof the login carried; NULL for an unbound session, which refreshes without proofs.
ALTER TABLE sessions ADD COLUMN proof_jkt VARCHAR(64);

-- Proofs already accepted, so that none is accepted twice, by any replica: one row per proof,
-- keyed by SHA-256(key thumbprint "." jti), kept until its iat is outside the accepted window
-- (after that the proof is refused as stale anyway), then purged.
CREATE TABLE proof_replays (
    proof_id   BYTEA                    PRIMARY KEY,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX proof_replays_expires ON proof_replays (expires_at);
