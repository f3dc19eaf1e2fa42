package dev.portcullis.gateway.security;

import java.util.List;
import java.util.Set;

import io.netty.handler.codec.http.DefaultHttpHeaders;

import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;

/**
 * Rewrites the headers sent upstream: removes every client-sent identity header and the auth
 * cookies, then adds the identity the gateway verified. Stripping and adding happen in one
 * place because a {@code RemoveRequestHeader} filter runs after global filters and would
 * remove what the access check added.
 *
 * <p>A client header counts as an identity header whatever its case and whether it spells
 * {@code -} as {@code _}: CGI-style servers (WSGI, PHP, Rack) read {@code X_User_Id} and
 * {@code X-User-Id} as the same variable. Identity headers and the cookie and authorization
 * headers are also taken out of the client's {@code Connection} header, whose names the proxy
 * removes as hop-by-hop after this step: otherwise a client could have the identity the
 * gateway adds deleted on the way upstream.
 *
 * <p>This runs on every proxied request, so the upstream headers are built in one pass into a
 * Netty header map, whose case-insensitive lookups need no lower-cased copies of the names
 * (a Spring {@code HttpHeaders} copy lower-cases every name, which showed in allocation
 * profiles).
 */
final class RequestIdentity {

	static final String USER_ID = "X-User-Id";

	static final String USER_ROLES = "X-User-Roles";

	static final String SESSION_ID = "X-Session-Id";

	private static final String USER_PREFIX = "x-user-";

	private final List<String> extraHeaders;

	private final Set<String> authCookies;

	RequestIdentity(List<String> extraHeaders, List<String> authCookies) {
		this.extraHeaders = List.copyOf(extraHeaders);
		this.authCookies = Set.copyOf(authCookies);
	}

	/**
	 * The headers to send upstream.
	 * @param incoming the request's headers as the client sent them
	 * @param keepAuthCookies whether the route receives the auth cookies
	 * @param forwardToken whether the route receives the access token as a bearer token (any
	 * client-sent {@code Authorization} is removed either way on such a route)
	 * @param token the verified access token, or {@code null} on a public route
	 * @param access what the token says, or {@code null} on a public route
	 */
	HttpHeaders upstreamHeaders(HttpHeaders incoming, boolean keepAuthCookies, boolean forwardToken, String token,
			VerifiedAccess access) {
		return new HttpHeaders(new Netty4HeadersAdapter(upstream(incoming, keepAuthCookies, forwardToken, token, access)));
	}

	/** The same as {@link #upstreamHeaders}, as the Netty map an HTTP client sends. */
	io.netty.handler.codec.http.HttpHeaders upstream(HttpHeaders incoming, boolean keepAuthCookies,
			boolean forwardToken, String token, VerifiedAccess access) {
		io.netty.handler.codec.http.HttpHeaders upstream = new DefaultHttpHeaders();
		incoming.forEach((name, values) -> {
			if (isIdentityHeader(name) || (forwardToken && HttpHeaders.AUTHORIZATION.equalsIgnoreCase(name))) {
				return;
			}
			if (HttpHeaders.CONNECTION.equalsIgnoreCase(name)) {
				for (String value : values) {
					String kept = withoutProtectedNames(value);
					if (kept != null) {
						upstream.add(HttpHeaders.CONNECTION, kept);
					}
				}
				return;
			}
			if (!keepAuthCookies && HttpHeaders.COOKIE.equalsIgnoreCase(name)) {
				String kept = withoutAuthCookies(values);
				if (kept != null) {
					upstream.add(HttpHeaders.COOKIE, kept);
				}
				return;
			}
			upstream.add(name, values);
		});
		if (access != null) {
			upstream.set(USER_ID, access.userId());
			upstream.set(USER_ROLES, access.rolesHeader());
			upstream.set(SESSION_ID, access.sessionId());
			if (forwardToken) {
				upstream.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
			}
		}
		return upstream;
	}

	private boolean isIdentityHeader(String name) {
		return isIdentityHeader(name, 0, name.length());
	}

	/** Whether {@code name[from, to)} names an identity header, {@code _} read as {@code -}. */
	private boolean isIdentityHeader(String name, int from, int to) {
		if (sameName(name, from, Math.min(to, from + USER_PREFIX.length()), USER_PREFIX)
				|| sameName(name, from, to, SESSION_ID)) {
			return true;
		}
		for (String extra : this.extraHeaders) {
			if (sameName(name, from, to, extra)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A {@code Connection} value without the tokens naming headers the gateway sets or strips,
	 * the value itself when there are none (no copy), or {@code null} when nothing is left.
	 */
	private String withoutProtectedNames(String value) {
		StringBuilder kept = null;
		int start = 0;
		while (start <= value.length()) {
			int comma = value.indexOf(',', start);
			int end = (comma < 0) ? value.length() : comma;
			int from = start;
			int to = end;
			while (from < to && value.charAt(from) <= ' ') {
				from++;
			}
			while (to > from && value.charAt(to - 1) <= ' ') {
				to--;
			}
			boolean drop = to > from && (isIdentityHeader(value, from, to)
					|| sameName(value, from, to, HttpHeaders.COOKIE)
					|| sameName(value, from, to, HttpHeaders.AUTHORIZATION));
			if (drop && kept == null) {
				// first token to drop: keep what came before it
				kept = new StringBuilder(value.length());
				appendTokens(kept, value, 0, start);
			}
			else if (!drop && kept != null && to > from) {
				if (kept.length() > 0) {
					kept.append(", ");
				}
				kept.append(value, from, to);
			}
			start = end + 1;
		}
		if (kept == null) {
			return value;
		}
		return (kept.length() > 0) ? kept.toString() : null;
	}

	private static void appendTokens(StringBuilder kept, String value, int from, int to) {
		for (String token : value.substring(from, to).split(",")) {
			String trimmed = token.trim();
			if (!trimmed.isEmpty()) {
				if (kept.length() > 0) {
					kept.append(", ");
				}
				kept.append(trimmed);
			}
		}
	}

	/**
	 * Whether {@code value[from, to)} is {@code name}, ignoring ASCII case and reading {@code _}
	 * as {@code -}; no copies.
	 */
	private static boolean sameName(String value, int from, int to, String name) {
		if (to - from != name.length()) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			if (fold(value.charAt(from + i)) != fold(name.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	private static char fold(char c) {
		if (c == '_') {
			return '-';
		}
		return (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
	}

	/** The cookie pairs that are not auth cookies, joined as one header, or {@code null}. */
	private String withoutAuthCookies(List<String> values) {
		StringBuilder kept = null;
		for (String value : values) {
			for (String pair : value.split(";")) {
				String trimmed = pair.trim();
				int eq = trimmed.indexOf('=');
				String name = (eq < 0) ? trimmed : trimmed.substring(0, eq).trim();
				if (!trimmed.isEmpty() && !this.authCookies.contains(name)) {
					kept = (kept != null) ? kept.append("; ") : new StringBuilder(value.length());
					kept.append(trimmed);
				}
			}
		}
		return (kept != null) ? kept.toString() : null;
	}

}
