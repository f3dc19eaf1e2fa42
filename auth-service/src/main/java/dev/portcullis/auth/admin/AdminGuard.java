package dev.portcullis.auth.admin;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.crypto.BearerSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Checks {@code Authorization: Bearer <admin secret>} on a state-changing admin operation
 * ({@link BearerSecret}, constant time). Without a configured secret every operation is refused
 * ({@link ErrorCode#ADMIN_DISABLED}), which start-up says once.
 */
@Component
class AdminGuard {

	private static final Logger logger = LoggerFactory.getLogger(AdminGuard.class);

	private final BearerSecret expected;

	AdminGuard(AdminProperties properties) {
		this.expected = properties.enabled() ? new BearerSecret(properties.adminSecret()) : null;
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
		if (!this.expected.matches(authorization)) {
			throw unauthorized();
		}
	}

	private static AuthException unauthorized() {
		return new AuthException(ErrorCode.ADMIN_UNAUTHORIZED, "Admin operations need the admin secret as a bearer token");
	}

}
