package dev.portcullis.auth.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A shared secret presented as {@code Authorization: Bearer <secret>} (RFC 6750 section 2.1).
 * Compares SHA-256 digests in constant time, so neither the secret's content nor its length
 * leaks through timing. The one check behind the revocation feed's and the admin operations'
 * guards.
 */
public final class BearerSecret {

	private static final String BEARER = "Bearer ";

	private final byte[] expected;

	public BearerSecret(String secret) {
		this.expected = sha256(secret);
	}

	/**
	 * @param authorization the request's {@code Authorization} header, or null
	 * @return whether it carries this secret as a bearer token
	 */
	public boolean matches(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return false;
		}
		return MessageDigest.isEqual(sha256(authorization.substring(BEARER.length()).trim()), this.expected);
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
