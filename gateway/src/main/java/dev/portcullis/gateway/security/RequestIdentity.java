package dev.portcullis.gateway.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpHeaders;

/**
 * Rewrites the headers sent upstream: removes every client-sent identity header and the auth
 * cookies, then adds the identity the gateway verified. Stripping and adding happen in one
 * place because a {@code RemoveRequestHeader} filter runs after global filters and would
 * remove what the access check added.
 */
final class RequestIdentity {

	static final String USER_ID = "X-User-Id";

	static final String USER_ROLES = "X-User-Roles";

	static final String SESSION_ID = "X-Session-Id";

	private static final String USER_PREFIX = "x-user-";

	private final Set<String> extraHeaders;

	private final Set<String> authCookies;

	RequestIdentity(List<String> extraHeaders, List<String> authCookies) {
		this.extraHeaders = extraHeaders.stream()
			.map((name) -> name.toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
		this.authCookies = Set.copyOf(authCookies);
	}

	void stripIdentity(HttpHeaders headers) {
		List<String> spoofable = null;
		for (String name : headers.headerNames()) {
			String lower = name.toLowerCase(Locale.ROOT);
			if (lower.startsWith(USER_PREFIX) || lower.equals("x-session-id") || this.extraHeaders.contains(lower)) {
				spoofable = (spoofable != null) ? spoofable : new ArrayList<>();
				spoofable.add(name);
			}
		}
		if (spoofable != null) {
			spoofable.forEach(headers::remove);
		}
	}

	void addIdentity(HttpHeaders headers, VerifiedAccess access) {
		headers.set(USER_ID, access.userId());
		headers.set(USER_ROLES, access.rolesHeader());
		headers.set(SESSION_ID, access.sessionId());
	}

	void stripAuthCookies(HttpHeaders headers) {
		List<String> values = headers.get(HttpHeaders.COOKIE);
		if (values == null || values.isEmpty()) {
			return;
		}
		List<String> kept = new ArrayList<>();
		for (String value : values) {
			for (String pair : value.split(";")) {
				String trimmed = pair.trim();
				int eq = trimmed.indexOf('=');
				String name = (eq < 0) ? trimmed : trimmed.substring(0, eq).trim();
				if (!trimmed.isEmpty() && !this.authCookies.contains(name)) {
					kept.add(trimmed);
				}
			}
		}
		if (kept.isEmpty()) {
			headers.remove(HttpHeaders.COOKIE);
		}
		else {
			headers.set(HttpHeaders.COOKIE, String.join("; ", kept));
		}
	}

}
