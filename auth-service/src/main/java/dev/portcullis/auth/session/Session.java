package dev.portcullis.auth.session;

import java.time.Instant;
import java.util.UUID;

/** One login: a family of refresh tokens with a fixed absolute expiry. */
public record Session(UUID id, UUID userId, Instant createdAt, Instant lastRefreshedAt, Instant expiresAt,
		String userAgent, String clientIp) {
}
