package dev.portcullis.gateway.security;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.contract.TokenRuleException;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.web.GatewayException;

/**
 * The access token is missing, expired, invalid, signed by a withdrawn key, or its session has
 * ended. The detail never says which check failed, beyond what a client needs to choose between
 * refreshing ({@code token_expired}, {@code token_missing}, {@code key_withdrawn}) and logging in.
 */
public final class TokenRejectedException extends GatewayException {

	private final String unknownKeyId;

	private TokenRejectedException(String code, String detail) {
		this(code, detail, null);
	}

	private TokenRejectedException(String code, String detail, String unknownKeyId) {
		super(code, detail);
		this.unknownKeyId = unknownKeyId;
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

	/** A {@code kid} the JWK Set does not hold, even after a fresh fetch: invalid, unless the feed withdrew it. */
	static TokenRejectedException unknownKey(String kid) {
		return new TokenRejectedException(ErrorCodes.TOKEN_INVALID, "The access token is invalid", kid);
	}

	/** The {@code kid} of {@link #unknownKey}, else null. */
	String unknownKeyId() {
		return this.unknownKeyId;
	}

	static TokenRejectedException keyWithdrawn() {
		return new TokenRejectedException(ErrorCodes.KEY_WITHDRAWN,
				"The access token's signing key was withdrawn; refresh to get a new one");
	}

	/** What {@link RevocationList#refusal} answered, as the refusal to send. */
	static TokenRejectedException ofRefusal(String code) {
		return switch (code) {
			case ErrorCodes.KEY_WITHDRAWN -> keyWithdrawn();
			// revocations were dropped at the list's bound: a refreshed token passes, a revoked session cannot refresh
			case ErrorCodes.TOKEN_EXPIRED -> issuedTooEarly();
			default -> revoked();
		};
	}

	static TokenRejectedException of(TokenRuleException broken) {
		return broken.isExpired() ? expired() : invalid();
	}

}
