package dev.portcullis.gateway.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * CORS for credentialed requests from an allowlist of exact origins: the answer to a preflight,
 * and the {@code Access-Control-*} headers of every other response to a request with an
 * {@code Origin}, the gateway's own 401 and 403 answers included, so a single-page app can read
 * their {@code code}.
 *
 * <p>The gateway is the one CORS authority for the origins behind it: every
 * {@code Access-Control-*} header an upstream sent is removed from a response to a request
 * carrying an {@code Origin}. For an allowed origin the gateway's own answer then goes out (an
 * upstream cannot widen it, e.g. expose more headers); for any other origin none does, so an
 * upstream's {@code Access-Control-Allow-Origin: *} or reflected origin with
 * {@code Allow-Credentials: true} never lets another site read a response. Requests without an
 * {@code Origin} are not cross-origin reads and pass untouched.
 */
public final class CorsPolicy {

	private static final String CORS_PREFIX = "Access-Control-";

	/** What a page may read of the gateway's own answers: the 401 challenge and the 429 wait. */
	private static final String EXPOSED = String.join(", ", HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.RETRY_AFTER,
			"X-RateLimit-Remaining", "X-RateLimit-Replenish-Rate", "X-RateLimit-Burst-Capacity");

	private final Set<String> allowedOrigins;

	private final String allowedMethods;

	private final String maxAge;

	public CorsPolicy(List<String> allowedOrigins, List<String> allowedMethods, long maxAgeSeconds) {
		this.allowedOrigins = Set.copyOf(allowedOrigins);
		this.allowedMethods = String.join(", ", allowedMethods);
		this.maxAge = Long.toString(maxAgeSeconds);
	}

	public boolean isAllowed(String origin) {
		return origin != null && this.allowedOrigins.contains(origin);
	}

	/** Whether the request is a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}). */
	public static boolean isPreflight(HttpMethod method, HttpHeaders headers) {
		return HttpMethod.OPTIONS.equals(method) && headers.containsHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
	}

	/**
	 * The answer to a preflight from {@code origin}: 204 with the allowed methods, or 403.
	 * @param request the preflight's headers
	 * @param response where the answer's headers go
	 * @return the status to answer with
	 */
	public int preflight(String origin, HttpHeaders request, HttpHeaders response) {
		if (!isAllowed(origin)) {
			return 403;
		}
		withAllowOrigin(response, origin);
		response.set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, this.allowedMethods);
		List<String> requested = request.get(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
		if (requested != null && !requested.isEmpty()) {
			response.set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", requested));
		}
		response.set(HttpHeaders.ACCESS_CONTROL_MAX_AGE, this.maxAge);
		return 204;
	}

	/**
	 * Rewrites the CORS headers of a response to a request from {@code origin} (not {@code null})
	 * just before it is sent: the upstream's removed, the gateway's added for an allowed origin.
	 */
	public void onResponse(String origin, HttpHeaders response) {
		withoutUpstreamCors(response);
		if (isAllowed(origin)) {
			withAllowOrigin(response, origin);
			response.set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
		}
	}

	/** Removes every {@code Access-Control-*} header: one pass over the names, a copy only if any. */
	private static void withoutUpstreamCors(HttpHeaders headers) {
		List<String> found = null;
		for (String name : headers.headerNames()) {
			if (name.regionMatches(true, 0, CORS_PREFIX, 0, CORS_PREFIX.length())) {
				found = (found != null) ? found : new ArrayList<>(4);
				found.add(name);
			}
		}
		if (found != null) {
			found.forEach(headers::remove);
		}
	}

	private static void withAllowOrigin(HttpHeaders headers, String origin) {
		headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
		headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
		List<String> vary = headers.getVary();
		if (!vary.contains(HttpHeaders.ORIGIN)) {
			headers.add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
		}
	}

}
