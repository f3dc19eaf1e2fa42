package dev.portcullis.gateway.security;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.contract.TokenRuleException;
import dev.portcullis.gateway.web.GatewayException;

/**
 * The access token is missing, expired, invalid, or its session has ended. The detail never
 * says which check failed, beyond what a client needs to choose between refreshing
 * ({@code token_expired}, {@code token_missing}) and logging in.
 */
public final class TokenRejectedException extends GatewayException {

	private TokenRejectedException(String code, String detail) {
		super(code, detail);
	}

	static TokenRejectedException missing() {
		return new TokenRejectedException(ErrorCodes.TOKEN_MISSING, "The access token is missing");
	}

	static TokenRejectedException expired() {
		return new TokenRejectedException(ErrorCodes.TOKEN_EXPIRED, "The access token has expired");
	}

	/**
	 * A token older than the revocation list can vouch for: answered like an expired one, so the
	 * client refreshes it.
	 */
	static TokenRejectedException issuedTooEarly() {
		return new TokenRejectedException(ErrorCodes.TOKEN_EXPIRED, "The access token is too old: refresh it");
	}

	static TokenRejectedException invalid() {
		return new TokenRejectedException(ErrorCodes.TOKEN_INVALID, "The access token is invalid");
	}

	public static TokenRejectedException revoked() {
		return new TokenRejectedException(ErrorCodes.SESSION_REVOKED, "The session has ended");
	}

	static TokenRejectedException of(TokenRuleException broken) {
		return broken.isExpired() ? expired() : invalid();
	}

}
