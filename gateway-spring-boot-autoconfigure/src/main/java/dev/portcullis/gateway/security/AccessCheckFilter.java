package dev.portcullis.gateway.security;

import java.util.List;

import reactor.core.publisher.Mono;

import dev.portcullis.gateway.metrics.Decision;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;

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
 * The access check on every routed request, ahead of the route's own filters: a protected
 * route needs a verified access cookie whose session, user and key the revocation feed has not
 * revoked ({@code session_revoked}; a withdrawn key alone is {@code key_withdrawn}, which a
 * refresh cures), and every route, public or not, has client-sent
 * identity headers and the auth cookies removed before the request goes upstream.
 *
 * <p>Public routes are not checked at all, so a stale cookie never breaks a login page; they
 * receive no identity headers.
 *
 * <p>The revocation check runs after the verifier on every request, cache hit or not, so a
 * token verified before its session ended is refused from the moment the feed says so. It is
 * an in-memory lookup: no I/O on the request path.
 *
 * <p>Requests let through are counted here ({@code allowed}, {@code public}); refusals are
 * counted where they become HTTP.
 */
class AccessCheckFilter implements GlobalFilter, Ordered {

	/** After the CSRF check, before anything that routes. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private final AccessTokenConverter converter;

	private final AccessTokenVerifier verifier;

	private final RoutePolicy routes;

	private final RevocationList revocations;

	private final RequestIdentity identity;

	private final DecisionMeter decisions;

	public AccessCheckFilter(AccessTokenConverter converter, AccessTokenVerifier verifier,
			RevocationList revocations, RoutePolicy routes, List<String> identityHeaders, List<String> authCookies,
			DecisionMeter decisions) {
		this.decisions = decisions;
		this.converter = converter;
		this.verifier = verifier;
		this.revocations = revocations;
		this.routes = routes;
		this.identity = new RequestIdentity(identityHeaders, authCookies);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (this.routes.isPublic(route, exchange.getRequest().getPath().pathWithinApplication())) {
			this.decisions.record(route, Decision.PUBLIC);
			return chain.filter(withIdentity(exchange, route, null, null));
		}
		return this.converter.convert(exchange)
			.switchIfEmpty(Mono.error(TokenRejectedException::missing))
			.flatMap((token) -> this.verifier.verify(token)
				.onErrorMap(TokenRejectedException.class, this::withdrawnIfKnown)
				.flatMap((access) -> forwardUnlessRevoked(exchange, chain, route, token, access)));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private Mono<Void> forwardUnlessRevoked(ServerWebExchange exchange, GatewayFilterChain chain, Route route,
			String token, VerifiedAccess access) {
		String refusal = this.revocations.refusal(access.userId(), access.sessionId(), access.keyId(),
				access.issuedAtMillis());
		if (refusal != null) {
			return Mono.error(TokenRejectedException.ofRefusal(refusal));
		}
		this.decisions.record(route, Decision.ALLOWED);
		return chain.filter(withIdentity(exchange, route, token, access));
	}

	/**
	 * Once the withdrawn key has left the JWK Set, its tokens no longer verify at all: still
	 * {@code key_withdrawn} (refresh), not {@code token_invalid} (log in), while the feed remembers
	 * the key, which is as long as any token it signed can live.
	 */
	private TokenRejectedException withdrawnIfKnown(TokenRejectedException rejected) {
		return this.revocations.withdrew(rejected.unknownKeyId()) ? TokenRejectedException.keyWithdrawn() : rejected;
	}

	private ServerWebExchange withIdentity(ServerWebExchange exchange, Route route, String token,
			VerifiedAccess access) {
		if (access != null) {
			// what later steps (the WebSocket guard) need to know about the caller
			exchange.getAttributes().put(VerifiedAccess.ATTRIBUTE, access);
		}
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders upstream = this.identity.upstreamHeaders(request.getHeaders(),
				this.routes.forwardsAuthCookies(route), this.routes.forwardsToken(route), token, access);
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
