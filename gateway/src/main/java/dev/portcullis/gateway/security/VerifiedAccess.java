package dev.portcullis.gateway.security;

import java.util.List;

/**
 * The identity carried by an access token whose signature and claims have been verified.
 *
 * @param userId the {@code sub} claim
 * @param sessionId the {@code sid} claim
 * @param roles the {@code roles} claim
 * @param expiresAtMillis the {@code exp} claim, in epoch milliseconds
 */
public record VerifiedAccess(String userId, String sessionId, List<String> roles, long expiresAtMillis) {

	public VerifiedAccess {
		roles = List.copyOf(roles);
	}

	String rolesHeader() {
		return String.join(",", this.roles);
	}

}
