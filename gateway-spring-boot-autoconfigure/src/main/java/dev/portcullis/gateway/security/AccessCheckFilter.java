package dev.portcullis.gateway.security;

import java.util.List;

import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@link AccessDecision} on every request routed by Spring Cloud Gateway's chain, ahead of
 * the route's own filters: the request goes on with the upstream headers the decision wrote, and
 * the verified identity as an exchange attribute for later steps (the WebSocket guard).
 */
class AccessCheckFilter implements GlobalFilter, Ordered {

	/** After the CSRF check, before anything that routes. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private final AccessDecision decision;

	private final RoutePolicy routes;

	public AccessCheckFilter(AccessTokenConverter converter, AccessTokenVerifier verifier,
			RevocationList revocations, RoutePolicy routes, List<String> identityHeaders, List<String> authCookies,
			DecisionMeter decisions) {
		this(new AccessDecision(converter.cookieName(), verifier, revocations, routes, identityHeaders, authCookies,
				decisions), routes);
	}

	AccessCheckFilter(AccessDecision decision, RoutePolicy routes) {
		this.decision = decision;
		this.routes = routes;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		boolean isPublic = this.routes.isPublic(route, exchange.getRequest().getPath().pathWithinApplication());
		return this.decision.admit(route, isPublic, exchange.getRequest().getHeaders())
			.flatMap((admission) -> chain.filter(withIdentity(exchange, route, admission)));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private ServerWebExchange withIdentity(ServerWebExchange exchange, Route route,
			AccessDecision.Admission admission) {
		if (admission.access() != null) {
			// what later steps (the WebSocket guard) need to know about the caller
			exchange.getAttributes().put(VerifiedAccess.ATTRIBUTE, admission.access());
		}
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders upstream = this.decision.upstreamHeaders(request.getHeaders(), route, admission);
		return exchange.mutate().request(new UpstreamRequest(request, upstream)).build();
	}

	/**
	 * The client's request with the rewritten headers. A decorator rather than
	 * {@code request.mutate()}, which would copy the headers a second time.
	 */
	private static final class UpstreamRequest extends ServerHttpRequestDecorator {

		private final HttpHeaders headers;

		UpstreamRequest(ServerHttpRequest request, HttpHeaders headers) {
			super(request);
			this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

}
