package dev.portcullis.gateway.core;

import java.util.Locale;

/**
 * Refuses, on every route, a path that the gateway and a server behind it could read
 * differently: dot segments ({@code /api/public/../admin}, also percent-encoded), encoded
 * slashes or backslashes, a backslash, or a {@code ;} parameter. The gateway matches routes and
 * public paths on the path as sent; a server that normalises it would serve another resource
 * than the one the access check was about (or reach a path the gateway never routes, such as
 * the auth service's revocation feed).
 */
public final class PathGuard {

	private PathGuard() {
	}

	/**
	 * @param rawPath the path as sent, or {@code null}
	 * @return the refusal, or {@code null} when the path is plain
	 */
	public static PathRejectedException check(String rawPath) {
		return (rawPath == null || isPlain(rawPath)) ? null : new PathRejectedException();
	}

	public static boolean isPlain(String rawPath) {
		if (rawPath.indexOf(';') >= 0 || rawPath.indexOf('\\') >= 0) {
			return false;
		}
		String decoded = decode(rawPath);
		if (decoded == null) {
			return false;
		}
		if (decoded == rawPath) {
			// nothing encoded: only dot segments are left to look for
			return !hasDotSegment(rawPath);
		}
		String lower = decoded.toLowerCase(Locale.ROOT);
		// an encoded slash; or still encoded after one decoding, which a server that decodes twice
		// would read as a separator or a dot
		if (countSlashes(decoded) != countSlashes(rawPath) || lower.contains("%2e") || lower.contains("%2f")
				|| lower.contains("%5c") || decoded.indexOf('\\') >= 0 || decoded.indexOf(';') >= 0) {
			return false;
		}
		return !hasDotSegment(decoded);
	}

	private static boolean hasDotSegment(String path) {
		int start = 0;
		while (start <= path.length()) {
			int slash = path.indexOf('/', start);
			int end = (slash < 0) ? path.length() : slash;
			int length = end - start;
			if ((length == 1 && path.charAt(start) == '.')
					|| (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
				return true;
			}
			start = end + 1;
		}
		return false;
	}

	private static long countSlashes(String path) {
		return path.chars().filter((c) -> c == '/').count();
	}

	/** Percent-decodes once; {@code null} for a malformed escape; the same string when nothing is encoded. */
	private static String decode(String raw) {
		if (raw.indexOf('%') < 0) {
			return raw;
		}
		StringBuilder out = new StringBuilder(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '%') {
				out.append(c);
				continue;
			}
			if (i + 2 >= raw.length()) {
				return null;
			}
			int high = Character.digit(raw.charAt(i + 1), 16);
			int low = Character.digit(raw.charAt(i + 2), 16);
			if (high < 0 || low < 0) {
				return null;
			}
			out.append((char) ((high << 4) | low));
			i += 2;
		}
		return out.toString();
	}

}
