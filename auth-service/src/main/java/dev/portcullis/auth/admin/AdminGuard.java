package dev.portcullis.auth.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Checks {@code Authorization: Bearer <admin secret>} on a state-changing admin operation.
 * Compares SHA-256 digests in constant time, so neither the secret's content nor its length
 * leaks through timing. Without a configured secret every operation is refused
 * ({@link ErrorCode#ADMIN_DISABLED}), which start-up says once.
 */
@Component
class AdminGuard {

	private static final Logger logger = LoggerFactory.getLogger(AdminGuard.class);

	private static final String BEARER = "Bearer ";

	private final byte[] expected;

	AdminGuard(AdminProperties properties) {
		this.expected = properties.enabled() ? sha256(properties.adminSecret()) : null;
		if (this.expected == null) {
			logger.info("Admin operations on the management port (signing-key withdrawal) are off: "
					+ "set portcullis.admin-secret (PORTCULLIS_ADMIN_SECRET) to turn them on");
		}
	}

	/**
	 * Returns normally for the right secret.
	 * @param authorization the request's Authorization header, or null
	 * @throws AuthException {@link ErrorCode#ADMIN_DISABLED} when no secret is configured,
	 * {@link ErrorCode#ADMIN_UNAUTHORIZED} for a missing or wrong one
	 */
	void check(String authorization) {
		if (this.expected == null) {
			throw new AuthException(ErrorCode.ADMIN_DISABLED,
					"Admin operations are off: the service has no portcullis.admin-secret");
		}
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			throw unauthorized();
		}
		byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
		if (!MessageDigest.isEqual(presented, this.expected)) {
			throw unauthorized();
		}
	}

	private static AuthException unauthorized() {
		return new AuthException(ErrorCode.ADMIN_UNAUTHORIZED, "Admin operations need the admin secret as a bearer token");
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
