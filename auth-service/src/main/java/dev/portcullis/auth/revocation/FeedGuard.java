package dev.portcullis.auth.revocation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;

import org.springframework.stereotype.Component;

/**
 * Checks the feed's {@code Authorization: Bearer <feed secret>}. Compares SHA-256 digests in
 * constant time, so neither the secret's content nor its length leaks through timing.
 */
@Component
class FeedGuard {

	private static final String BEARER = "Bearer ";

	private final byte[] expected;

	FeedGuard(FeedProperties properties) {
		this.expected = sha256(properties.feedSecret());
	}

	/** Returns normally for the right secret; throws {@link ErrorCode#FEED_UNAUTHORIZED} otherwise. */
	void check(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			throw unauthorized();
		}
		byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
		if (!MessageDigest.isEqual(presented, this.expected)) {
			throw unauthorized();
		}
	}

	private static AuthException unauthorized() {
		return new AuthException(ErrorCode.FEED_UNAUTHORIZED, "The revocation feed needs the feed secret as a bearer token");
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
