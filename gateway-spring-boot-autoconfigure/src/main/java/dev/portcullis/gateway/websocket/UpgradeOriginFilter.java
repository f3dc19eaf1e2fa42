package dev.portcullis.gateway.websocket;

import java.util.List;
import java.util.Set;

import dev.portcullis.gateway.core.CsrfPolicy;
import dev.portcullis.gateway.csrf.CsrfRejectedException;
import dev.portcullis.gateway.route.RoutePolicy;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The cross-site WebSocket hijacking guard ({@link CsrfPolicy#checkUpgrade}) on every upgrade
 * routed by Spring Cloud Gateway: an upgrade to a protected route passes only when its
 * {@code Origin} is on the allowlist.
 */
class UpgradeOriginFilter implements GlobalFilter, Ordered {

	/** After the CSRF check, before the access check: a forged upgrade is refused whatever cookie it carries. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 15;

	private final CsrfPolicy policy;

	private final RoutePolicy routes;

	public UpgradeOriginFilter(List<String> allowedOrigins, RoutePolicy routes) {
		this.policy = new CsrfPolicy(allowedOrigins, Set.of());
		this.routes = routes;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		if (!CsrfPolicy.isUpgrade(headers)) {
			return chain.filter(exchange);
		}
		CsrfRejectedException rejected = this.policy.checkUpgrade(headers, isPublic(exchange));
		return (rejected != null) ? Mono.error(rejected) : chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private boolean isPublic(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return this.routes.isPublic(route, exchange.getRequest().getPath().pathWithinApplication());
	}

}
