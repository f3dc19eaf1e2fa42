package dev.portcullis.gateway.web;

import dev.portcullis.gateway.core.PathGuard;
import dev.portcullis.gateway.core.PathRejectedException;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The {@link PathGuard} on every request that reaches WebFlux.
 */
@Component
class PathGuardFilter implements WebFilter, Ordered {

	/** Right after CORS, so the 400 is readable cross-origin; before routing and the access check. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String raw = exchange.getRequest().getURI().getRawPath();
		PathRejectedException rejected = PathGuard.check(raw);
		if (rejected != null) {
			return Mono.error(rejected);
		}
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	static boolean isPlain(String rawPath) {
		return PathGuard.isPlain(rawPath);
	}

}
