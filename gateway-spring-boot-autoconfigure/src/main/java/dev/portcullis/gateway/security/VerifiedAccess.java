package dev.portcullis.gateway.security;

import java.util.List;

/**
 * The identity carried by an access token whose signature and claims have been verified.
 *
 * @param userId the {@code sub} claim
 * @param sessionId the {@code sid} claim
 * @param roles the {@code roles} claim
 * @param keyId the {@code kid} of the key that signed it
 * @param issuedAtMillis the {@code iat} claim, in epoch milliseconds
 * @param expiresAtMillis the {@code exp} claim, in epoch milliseconds
 */
public record VerifiedAccess(String userId, String sessionId, List<String> roles, String keyId, long issuedAtMillis,
		long expiresAtMillis) {

	/**
	 * The exchange attribute holding the identity the access check verified for a request on a
	 * protected route; absent on public routes.
	 */
	public static final String ATTRIBUTE = VerifiedAccess.class.getName();

	public VerifiedAccess {
		roles = List.copyOf(roles);
	}

	String rolesHeader() {
		return String.join(",", this.roles);
	}

}
