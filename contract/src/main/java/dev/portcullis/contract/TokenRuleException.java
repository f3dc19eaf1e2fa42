package dev.portcullis.contract;

/**
 * An access token broke one of {@link AccessTokenRules}; {@link #code()} is
 * {@link ErrorCodes#TOKEN_EXPIRED} or {@link ErrorCodes#TOKEN_INVALID}. The message never says
 * which rule, so an answer built from it tells a prober nothing.
 */
public final class TokenRuleException extends RuntimeException {

	private final String code;

	private TokenRuleException(String code, String message) {
		super(message, null, false, false);
		this.code = code;
	}

	public static TokenRuleException expired() {
		return new TokenRuleException(ErrorCodes.TOKEN_EXPIRED, "The access token has expired");
	}

	public static TokenRuleException invalid() {
		return new TokenRuleException(ErrorCodes.TOKEN_INVALID, "The access token is invalid");
	}

	public String code() {
		return this.code;
	}

	public boolean isExpired() {
		return ErrorCodes.TOKEN_EXPIRED.equals(this.code);
	}

}
