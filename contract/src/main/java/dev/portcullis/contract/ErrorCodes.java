package dev.portcullis.contract;

/**
 * The stable {@code code} members of problem answers (RFC 9457) that clients branch on, and the
 * URI prefix of their {@code type}. Both apps answer with these; never rename one.
 */
public final class ErrorCodes {

	/** Every problem's {@code type} is this prefix followed by its code. */
	public static final String TYPE_PREFIX = "https://portcullis.dev/problems/";

	/** No access token: refresh once if this browser may have a session, else log in. */
	public static final String TOKEN_MISSING = "token_missing";

	/** The access token has expired: refresh, then retry. */
	public static final String TOKEN_EXPIRED = "token_expired";

	/** The access token is not one of ours: log in. */
	public static final String TOKEN_INVALID = "token_invalid";

	/** The session behind a valid access token has ended (logout, revocation, theft): log in. */
	public static final String SESSION_REVOKED = "session_revoked";

	/**
	 * The access token was signed by a key an operator has since withdrawn; its session is not
	 * over: refresh once (the new token is signed by another key), then retry. Not a logout.
	 */
	public static final String KEY_WITHDRAWN = "key_withdrawn";

	public static final String CSRF_REJECTED = "csrf_rejected";

	/** A path with dot segments or encoded separators, which servers behind may read differently. */
	public static final String INVALID_PATH = "invalid_path";

	public static final String INVALID_REFRESH = "invalid_refresh";

	/**
	 * A login or refresh whose {@code DPoP} proof of possession (RFC 9449 shape) is missing where
	 * the session is bound, malformed, signed by another key, replayed, stale, or made for another
	 * method or URI. On a bound session a missing proof or another key also ends the session.
	 */
	public static final String INVALID_PROOF = "invalid_proof";

	/** A login without a {@code DPoP} proof where the deployment requires every session bound. */
	public static final String PROOF_REQUIRED = "proof_required";

	public static final String UNAVAILABLE = "unavailable";

	/** Too many requests from this user or client: wait {@code Retry-After} seconds, then retry. */
	public static final String RATE_LIMITED = "rate_limited";

	public static final String BAD_GATEWAY = "bad_gateway";

	public static final String GATEWAY_TIMEOUT = "gateway_timeout";

	/** This user already holds as many open WebSockets as one user may: close one, or retry later. */
	public static final String TOO_MANY_SOCKETS = "too_many_sockets";

	/** The gateway holds as many open WebSockets as it allows in all: retry later. */
	public static final String SOCKETS_EXHAUSTED = "sockets_exhausted";

	/** A request the server could not read: malformed, or its body broke off (a bad chunk, a disconnect). */
	public static final String INVALID_REQUEST = "invalid_request";

	private ErrorCodes() {
	}

	public static String type(String code) {
		return TYPE_PREFIX + code;
	}

}
