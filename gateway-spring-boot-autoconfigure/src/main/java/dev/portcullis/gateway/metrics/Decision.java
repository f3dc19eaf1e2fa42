package dev.portcullis.gateway.metrics;

import dev.portcullis.contract.ErrorCodes;

/**
 * What the gateway decided about a request, the {@code outcome} tag of
 * {@value DecisionMeter#NAME}: let through (with a verified token, or on a public route or path)
 * or refused with one of its stable codes.
 */
public enum Decision {

	ALLOWED("allowed"),

	PUBLIC("public"),

	TOKEN_MISSING(ErrorCodes.TOKEN_MISSING),

	TOKEN_EXPIRED(ErrorCodes.TOKEN_EXPIRED),

	TOKEN_INVALID(ErrorCodes.TOKEN_INVALID),

	SESSION_REVOKED(ErrorCodes.SESSION_REVOKED),

	KEY_WITHDRAWN(ErrorCodes.KEY_WITHDRAWN),

	CSRF_REJECTED(ErrorCodes.CSRF_REJECTED),

	/** The token could not be checked: the signing keys were not available ({@code unavailable}). */
	KEYS_UNAVAILABLE("keys_unavailable"),

	INVALID_PATH(ErrorCodes.INVALID_PATH),

	TOO_MANY_SOCKETS(ErrorCodes.TOO_MANY_SOCKETS),

	SOCKETS_EXHAUSTED(ErrorCodes.SOCKETS_EXHAUSTED),

	RATE_LIMITED(ErrorCodes.RATE_LIMITED),

	/** A limited route refused while the rate limits' Redis did not answer (fail closed; {@code unavailable}). */
	RATE_LIMITER_UNAVAILABLE("rate_limiter_unavailable");

	private final String tag;

	Decision(String tag) {
		this.tag = tag;
	}

	/** The {@code outcome} tag value. */
	public String tag() {
		return this.tag;
	}

	/**
	 * The refusal a code stands for.
	 * @param code the stable code of a refusal the gateway answered itself
	 * @return the decision, or {@code null} for a code that is not one of the gateway's decisions
	 */
	static Decision ofCode(String code) {
		return switch (code) {
			case ErrorCodes.TOKEN_MISSING -> TOKEN_MISSING;
			case ErrorCodes.TOKEN_EXPIRED -> TOKEN_EXPIRED;
			case ErrorCodes.TOKEN_INVALID -> TOKEN_INVALID;
			case ErrorCodes.SESSION_REVOKED -> SESSION_REVOKED;
			case ErrorCodes.KEY_WITHDRAWN -> KEY_WITHDRAWN;
			case ErrorCodes.CSRF_REJECTED -> CSRF_REJECTED;
			// the only refusal the gateway raises itself with this code: upstream failures are not decisions
			case ErrorCodes.UNAVAILABLE -> KEYS_UNAVAILABLE;
			case ErrorCodes.INVALID_PATH -> INVALID_PATH;
			case ErrorCodes.TOO_MANY_SOCKETS -> TOO_MANY_SOCKETS;
			case ErrorCodes.SOCKETS_EXHAUSTED -> SOCKETS_EXHAUSTED;
			case ErrorCodes.RATE_LIMITED -> RATE_LIMITED;
			case "rate_limiter_unavailable" -> RATE_LIMITER_UNAVAILABLE;
			default -> null;
		};
	}

}
