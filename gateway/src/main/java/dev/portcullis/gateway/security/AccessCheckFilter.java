package dev.portcullis.gateway.security;

import java.util.List;

import reactor.core.publisher.Mono;

import dev.portcullis.gateway.route.RoutePolicy;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The access check on every routed request, ahead of the route's own filters: a protected
 * route needs a verified access cookie, and every route, public or not, has client-sent
 * identity headers and the auth cookies removed before the request goes upstream.
 *
 * <p>Public routes are not checked at all, so a stale cookie never breaks a login page; they
 * receive no identity headers.
 */
public class AccessCheckFilter implements GlobalFilter, Ordered {

	/** After the CSRF check, before anything that routes. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private final AccessTokenConverter converter;

	private final AccessTokenVerifier verifier;

	private final RoutePolicy routes;

	private final RequestIdentity identity;

	public AccessCheckFilter(AccessTokenConverter converter, AccessTokenVerifier verifier, RoutePolicy routes,
			List<String> identityHeaders, List<String> authCookies) {
		this.converter = converter;
		this.verifier = verifier;
		this.routes = routes;
		this.identity = new RequestIdentity(identityHeaders, authCookies);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (this.routes.isPublic(route, exchange.getRequest().getPath().pathWithinApplication())) {
			return chain.filter(withIdentity(exchange, route, null, null));
		}
		return this.converter.convert(exchange)
			.switchIfEmpty(Mono.error(TokenRejectedException::missing))
			.flatMap((token) -> this.verifier.verify(token)
				.flatMap((access) -> chain.filter(withIdentity(exchange, route, token, access))));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private ServerWebExchange withIdentity(ServerWebExchange exchange, Route route, String token,
			VerifiedAccess access) {
		boolean forwardToken = this.routes.forwardsToken(route);
		boolean keepCookies = this.routes.forwardsAuthCookies(route);
		return exchange.mutate().request((request) -> request.headers((headers) -> {
			this.identity.stripIdentity(headers);
			if (!keepCookies) {
				this.identity.stripAuthCookies(headers);
			}
			if (forwardToken) {
				headers.remove(HttpHeaders.AUTHORIZATION);
			}
			if (access != null) {
				this.identity.addIdentity(headers, access);
				if (forwardToken) {
					headers.setBearerAuth(token);
				}
			}
		})).build();
	}

}
