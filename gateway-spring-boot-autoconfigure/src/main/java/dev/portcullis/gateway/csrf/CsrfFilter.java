package dev.portcullis.gateway.csrf;

import java.util.List;
import java.util.Set;

import dev.portcullis.gateway.core.CsrfPolicy;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * The CSRF check of unsafe methods ({@link CsrfPolicy#checkUnsafe}) on every routed request
 * that runs on Spring Cloud Gateway's chain.
 */
class CsrfFilter implements GlobalFilter, Ordered {

	/** Before the access check: a forged request is refused whatever cookie it carries. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private final CsrfPolicy policy;

	public CsrfFilter(List<String> allowedOrigins, Set<String> allowedFetchSites) {
		this.policy = new CsrfPolicy(allowedOrigins, allowedFetchSites);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		CsrfRejectedException rejected = this.policy.checkUnsafe(request.getMethod(), request.getHeaders());
		return (rejected != null) ? Mono.error(rejected) : chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
