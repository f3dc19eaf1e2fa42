package dev.portcullis.gateway.websocket;

import java.util.List;
import java.util.Set;

import reactor.core.publisher.Mono;

import dev.portcullis.gateway.csrf.CsrfRejectedException;
import dev.portcullis.gateway.route.RoutePolicy;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Cross-site WebSocket hijacking guard: a WebSocket upgrade to a protected route passes only
 * when its {@code Origin} is on the allowlist. A browser sends the (SameSite=Lax) access cookie
 * with an upgrade that a page on another site starts, and the same-origin policy does not apply
 * to WebSockets, so without this check any site could open a socket as the user (RFC 6455
 * section 10.2). Browsers always send {@code Origin} on an upgrade; other clients must send an
 * allowed one.
 *
 * <p>Public routes are not checked: a socket there carries no identity.
 */
class UpgradeOriginFilter implements GlobalFilter, Ordered {

	/** After the CSRF check, before the access check: a forged upgrade is refused whatever cookie it carries. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 15;

	private final Set<String> allowedOrigins;

	private final RoutePolicy routes;

	public UpgradeOriginFilter(List<String> allowedOrigins, RoutePolicy routes) {
		this.allowedOrigins = Set.copyOf(allowedOrigins);
		this.routes = routes;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		if (!isUpgrade(headers) || isPublic(exchange) || isAllowed(headers.getOrigin())) {
			return chain.filter(exchange);
		}
		return Mono.error(new CsrfRejectedException());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	static boolean isUpgrade(HttpHeaders headers) {
		return "websocket".equalsIgnoreCase(headers.getUpgrade());
	}

	private boolean isPublic(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return this.routes.isPublic(route, exchange.getRequest().getPath().pathWithinApplication());
	}

	private boolean isAllowed(String origin) {
		return origin != null && this.allowedOrigins.contains(origin);
	}

}
