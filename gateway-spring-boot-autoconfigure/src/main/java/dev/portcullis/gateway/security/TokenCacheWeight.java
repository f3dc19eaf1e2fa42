package dev.portcullis.gateway.security;

/**
 * What one verified token retains on the heap while it is cached, in bytes, for the cache's
 * weight bound: the token text (its key), the verified identity with its strings, and the
 * cache's own per-entry structures.
 *
 * <p>The figures are for a 64-bit JVM with compressed references and compact (Latin-1)
 * strings, the shipped setting under 32 GiB of heap; with compact object headers (JDK 25, as
 * in the image) objects are smaller and the estimate errs on the safe side. They are checked
 * against the retained heap of 20 000 real entries by {@code TokenCacheWeightTests} (within
 * 10 %; measured 895 to 899 bytes a token for its ~405-character HS256 test tokens, estimated
 * 896): about 1.2 KB for a 722-character RS256 token as the auth service issues it.
 */
final class TokenCacheWeight {

	/**
	 * The cache's own per-entry cost besides key and value: Caffeine's node (key, value, weight,
	 * expiry time and the links of its access and timer-wheel orders), the hash table's node
	 * and its share of the table array, and the frequency sketch's share; plus the cache's value
	 * (the identity, its key set generation and its key, the last two shared). The node figures
	 * are read off Caffeine's and the JDK's layouts; the sum is set so the whole estimate matches
	 * the measured retained heap.
	 */
	static final int PER_ENTRY = 168;

	private TokenCacheWeight() {
	}

	/**
	 * The retained size of one cached token.
	 * @param token the compact JWS, the cache key
	 * @param access what it was verified to carry
	 * @return bytes
	 */
	static int of(String token, VerifiedAccess access) {
		int bytes = PER_ENTRY + string(token) + string(access.userId()) + string(access.sessionId())
				+ string(access.keyId());
		// List.copyOf: one small object for up to two roles, an object and its array beyond
		bytes += (access.roles().size() <= 2) ? 24 : 16 + align(16 + 4 * access.roles().size());
		for (String role : access.roles()) {
			bytes += string(role);
		}
		return bytes;
	}

	/** A String of ASCII text: its object, 24 bytes, and its byte array (16-byte header). */
	private static int string(String value) {
		return (value == null) ? 0 : 24 + align(16 + value.length());
	}

	private static int align(int bytes) {
		return (bytes + 7) & ~7;
	}

}
