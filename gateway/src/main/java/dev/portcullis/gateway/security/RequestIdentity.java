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
		io.netty.handler.codec.http.HttpHeaders upstream = new DefaultHttpHeaders();
		incoming.forEach((name, values) -> {
			if (isIdentityHeader(name) || (forwardToken && HttpHeaders.AUTHORIZATION.equalsIgnoreCase(name))) {
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
		return new HttpHeaders(new Netty4HeadersAdapter(upstream));
	}

	private boolean isIdentityHeader(String name) {
		if (name.regionMatches(true, 0, USER_PREFIX, 0, USER_PREFIX.length())
				|| name.equalsIgnoreCase(SESSION_ID)) {
			return true;
		}
		for (String extra : this.extraHeaders) {
			if (extra.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
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
