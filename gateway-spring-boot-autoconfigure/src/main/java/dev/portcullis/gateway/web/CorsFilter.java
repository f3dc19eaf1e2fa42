package dev.portcullis.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * CORS for credentialed requests from an allowlist of exact origins: answers preflights and
 * stamps {@code Access-Control-Allow-Origin} on every response to an allowed origin,
 * including the gateway's own 401 and 403 answers, so a single-page app can read their
 * {@code code}.
 *
 * <p>The gateway is the one CORS authority for the origins behind it: on a response to a request
 * carrying an {@code Origin}, every {@code Access-Control-*} header an upstream sent is removed
 * just before commit. For an allowed origin the gateway's own answer then goes out (an
 * upstream cannot widen it, e.g. expose more headers); for any other origin none does, so an
 * upstream's {@code Access-Control-Allow-Origin: *} or reflected origin with
 * {@code Allow-Credentials: true} never lets another site read a response. The browser then
 * withholds the response, and the CSRF check guards unsafe methods. Requests without an
 * {@code Origin} are not cross-origin reads and pass untouched, at no cost.
 */
class CorsFilter implements WebFilter, Ordered {

	private static final String CORS_PREFIX = "Access-Control-";

	/** What a page may read of the gateway's own answers: the 401 challenge and the 429 wait. */
	private static final String EXPOSED = String.join(", ", HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.RETRY_AFTER,
			"X-RateLimit-Remaining", "X-RateLimit-Replenish-Rate", "X-RateLimit-Burst-Capacity");

	private final Set<String> allowedOrigins;

	private final String allowedMethods;

	private final String maxAge;

	public CorsFilter(List<String> allowedOrigins, List<String> allowedMethods, long maxAgeSeconds) {
		this.allowedOrigins = Set.copyOf(allowedOrigins);
		this.allowedMethods = String.join(", ", allowedMethods);
		this.maxAge = Long.toString(maxAgeSeconds);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String origin = request.getHeaders().getOrigin();
		if (origin == null) {
			return chain.filter(exchange);
		}
		boolean allowed = this.allowedOrigins.contains(origin);
		if (isPreflight(request)) {
			return preflight(exchange.getResponse(), request, origin, allowed);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			HttpHeaders headers = response.getHeaders();
			withoutUpstreamCors(headers);
			if (allowed) {
				withAllowOrigin(headers, origin);
				headers.set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
			}
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	private Mono<Void> preflight(ServerHttpResponse response, ServerHttpRequest request, String origin,
			boolean allowed) {
		if (!allowed) {
			response.setStatusCode(HttpStatus.FORBIDDEN);
			return response.setComplete();
		}
		HttpHeaders headers = response.getHeaders();
		withAllowOrigin(headers, origin);
		headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, this.allowedMethods);
		List<String> requested = request.getHeaders().get(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
		if (requested != null && !requested.isEmpty()) {
			headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", requested));
		}
		headers.set(HttpHeaders.ACCESS_CONTROL_MAX_AGE, this.maxAge);
		response.setStatusCode(HttpStatus.NO_CONTENT);
		return response.setComplete();
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

	private static boolean isPreflight(ServerHttpRequest request) {
		return HttpMethod.OPTIONS.equals(request.getMethod())
				&& request.getHeaders().containsHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
	}

}
