package dev.portcullis.auth.session;

import java.time.Instant;
import java.util.UUID;

import dev.portcullis.auth.token.AccessToken;

/** What a login or refresh hands the client: both tokens and when the session ends. */
public record IssuedSession(UUID userId, UUID sessionId, String refreshToken, Instant sessionExpiresAt,
		AccessToken accessToken) {

	@Override
	public String toString() {
		return "IssuedSession[userId=" + this.userId + ", sessionId=" + this.sessionId + "]";
	}

}
