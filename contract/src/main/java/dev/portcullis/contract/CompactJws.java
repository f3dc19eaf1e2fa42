package dev.portcullis.contract;

import java.util.Base64;

/**
 * The one accepted spelling of a compact JWS (RFC 7515 section 7.1): three base64url segments
 * without padding, each the canonical encoding of its bytes. Lenient decoders also accept
 * {@code =}, stray characters and non-zero trailing bits, which would give one signed token many
 * spellings; refusing all but one keeps anything keyed on the token text (caches, revocation
 * lists) from being sidestepped by re-encoding.
 */
public final class CompactJws {

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private CompactJws() {
	}

	public static boolean isCanonical(String token) {
		int first = token.indexOf('.');
		int second = (first < 0) ? -1 : token.indexOf('.', first + 1);
		if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
			return false;
		}
		return canonical(token.substring(0, first)) && canonical(token.substring(first + 1, second))
				&& canonical(token.substring(second + 1));
	}

	private static boolean canonical(String segment) {
		for (int i = 0; i < segment.length(); i++) {
			char c = segment.charAt(i);
			boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
			if (!allowed) {
				return false;
			}
		}
		try {
			return ENCODER.encodeToString(DECODER.decode(segment)).equals(segment);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
