package dev.portcullis.gateway.csrf;

import java.util.List;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Cross-site request forgery check for cookie-authenticated requests: an unsafe method
 * (POST, PUT, PATCH, DELETE) passes only when the browser's {@code Sec-Fetch-Site} says
 * same-origin (or another accepted value) or when {@code Origin} is on the allowlist.
 * A request carrying neither is rejected, so non-browser clients must send {@code Origin}.
 * Safe methods pass untouched.
 */
class CsrfFilter implements GlobalFilter, Ordered {

	/** Before the access check: a forged request is refused whatever cookie it carries. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private static final Set<HttpMethod> UNSAFE = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
			HttpMethod.DELETE);

	private final Set<String> allowedOrigins;

	private final Set<String> allowedFetchSites;

	public CsrfFilter(List<String> allowedOrigins, Set<String> allowedFetchSites) {
		this.allowedOrigins = Set.copyOf(allowedOrigins);
		this.allowedFetchSites = Set.copyOf(allowedFetchSites);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!UNSAFE.contains(request.getMethod()) || isFromAllowedSite(request.getHeaders())) {
			return chain.filter(exchange);
		}
		return Mono.error(new CsrfRejectedException());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private boolean isFromAllowedSite(HttpHeaders headers) {
		String fetchSite = headers.getFirst("Sec-Fetch-Site");
		if (fetchSite != null && this.allowedFetchSites.contains(fetchSite)) {
			return true;
		}
		String origin = headers.getOrigin();
		return origin != null && this.allowedOrigins.contains(origin);
	}

}
