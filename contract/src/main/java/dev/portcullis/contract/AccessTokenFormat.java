package dev.portcullis.contract;

/**
 * The names an access token is made of (RFC 9068 JWT profile): its JOSE {@code typ}, the
 * private claims beside the registered ones, and the default issuer and audience.
 */
public final class AccessTokenFormat {

	/** The JOSE {@code typ} header, RFC 9068 section 2.1. */
	public static final String TYPE = "at+jwt";

	/** The long form of {@link #TYPE} that RFC 9068 also allows. */
	public static final String TYPE_MEDIA = "application/" + TYPE;

	/** The session the token was issued in: the unit a logout or a theft revokes. */
	public static final String CLAIM_SESSION = "sid";

	/** The user's roles, a JSON array of strings. */
	public static final String CLAIM_ROLES = "roles";

	public static final String DEFAULT_ISSUER = "portcullis";

	public static final String DEFAULT_AUDIENCE = "portcullis";

	/** The JWS algorithm the auth service signs with, and the gateway's default allowlist. */
	public static final String DEFAULT_ALGORITHM = "RS256";

	/** Longest token text either app parses. */
	public static final int MAX_TOKEN_LENGTH = 4096;

	private AccessTokenFormat() {
	}

}
