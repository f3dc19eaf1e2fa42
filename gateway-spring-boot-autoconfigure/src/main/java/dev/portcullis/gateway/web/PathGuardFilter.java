package dev.portcullis.gateway.web;

import java.util.Locale;

import dev.portcullis.contract.ErrorCodes;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses, on every route, a path that the gateway and a server behind it could read
 * differently: dot segments ({@code /api/public/../admin}, also percent-encoded), encoded
 * slashes or backslashes, a backslash, or a {@code ;} parameter. The gateway matches routes and
 * public paths on the path as sent; a server that normalises it would serve another resource
 * than the one the access check was about (or reach a path the gateway never routes, such as
 * the auth service's revocation feed).
 */
class PathGuardFilter implements WebFilter, Ordered {

	/** Right after CORS, so the 400 is readable cross-origin; before routing and the access check. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String raw = exchange.getRequest().getURI().getRawPath();
		if (raw != null && !isPlain(raw)) {
			return Mono.error(new PathRejectedException());
		}
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	static boolean isPlain(String rawPath) {
		if (rawPath.indexOf(';') >= 0 || rawPath.indexOf('\\') >= 0) {
			return false;
		}
		String decoded = decode(rawPath);
		if (decoded == null) {
			return false;
		}
		String lower = decoded.toLowerCase(Locale.ROOT);
		// an encoded slash; or still encoded after one decoding, which a server that decodes twice
		// would read as a separator or a dot
		if (countSlashes(decoded) != countSlashes(rawPath) || lower.contains("%2e") || lower.contains("%2f")
				|| lower.contains("%5c") || decoded.indexOf('\\') >= 0 || decoded.indexOf(';') >= 0) {
			return false;
		}
		for (String segment : decoded.split("/", -1)) {
			if (segment.equals(".") || segment.equals("..")) {
				return false;
			}
		}
		return true;
	}

	private static long countSlashes(String path) {
		return path.chars().filter((c) -> c == '/').count();
	}

	/** Percent-decodes once; {@code null} for a malformed escape. */
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

	/** The path was refused; see the class comment. */
	static final class PathRejectedException extends GatewayException {

		PathRejectedException() {
			super(ErrorCodes.INVALID_PATH, "The request path has dot segments or encoded separators");
		}

	}

}
