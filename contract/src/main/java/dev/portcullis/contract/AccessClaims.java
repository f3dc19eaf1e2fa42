package dev.portcullis.contract;

import java.util.List;

/**
 * What an access token that passed {@link AccessTokenRules} says.
 *
 * @param userId the {@code sub} claim, a UUID
 * @param sessionId the {@code sid} claim, a UUID
 * @param roles the {@code roles} claim, each safe to put in a header
 * @param keyId the {@code kid} header of the key that signed it
 * @param issuedAtMillis the {@code iat} claim, in epoch milliseconds
 * @param expiresAtMillis the {@code exp} claim, in epoch milliseconds
 */
public record AccessClaims(String userId, String sessionId, List<String> roles, String keyId, long issuedAtMillis,
		long expiresAtMillis) {

	public AccessClaims {
		roles = List.copyOf(roles);
	}

}
