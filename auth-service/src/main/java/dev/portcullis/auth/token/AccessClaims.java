package dev.portcullis.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What a verified access token says: who, in which session, until when. */
public record AccessClaims(UUID userId, UUID sessionId, List<String> roles, Instant expiresAt) {
}
