package dev.portcullis.gateway.web;

import java.util.List;

import dev.portcullis.gateway.core.CorsPolicy;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The {@link CorsPolicy} on every request that reaches WebFlux: answers preflights, and rewrites
 * the CORS headers of every response to a request with an {@code Origin} just before commit.
 * Requests without an {@code Origin} pass untouched, at no cost.
 */
class CorsFilter implements WebFilter, Ordered {

	private final CorsPolicy policy;

	public CorsFilter(List<String> allowedOrigins, List<String> allowedMethods, long maxAgeSeconds) {
		this.policy = new CorsPolicy(allowedOrigins, allowedMethods, maxAgeSeconds);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String origin = request.getHeaders().getOrigin();
		if (origin == null) {
			return chain.filter(exchange);
		}
		ServerHttpResponse response = exchange.getResponse();
		if (CorsPolicy.isPreflight(request.getMethod(), request.getHeaders())) {
			response.setStatusCode(
					HttpStatusCode.valueOf(this.policy.preflight(origin, request.getHeaders(), response.getHeaders())));
			return response.setComplete();
		}
		response.beforeCommit(() -> {
			this.policy.onResponse(origin, response.getHeaders());
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
