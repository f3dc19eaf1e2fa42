package dev.portcullis.auth.revocation;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.crypto.BearerSecret;

import org.springframework.stereotype.Component;

/**
 * Checks the feed's {@code Authorization: Bearer <feed secret>} ({@link BearerSecret}, constant
 * time).
 */
@Component
class FeedGuard {

	private final BearerSecret expected;

	FeedGuard(FeedProperties properties) {
		this.expected = new BearerSecret(properties.feedSecret());
	}

	/** Returns normally for the right secret; throws {@link ErrorCode#FEED_UNAUTHORIZED} otherwise. */
	void check(String authorization) {
		if (!this.expected.matches(authorization)) {
			throw unauthorized();
		}
	}

	private static AuthException unauthorized() {
		return new AuthException(ErrorCode.FEED_UNAUTHORIZED, "The revocation feed needs the feed secret as a bearer token");
	}

}
