package dev.portcullis.gateway.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import dev.portcullis.gateway.security.VerifiedAccess;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.web.server.ServerWebExchange;

/**
 * The rate-limit key of a request, from the access check's decision: {@code user:<id>} for
 * the user the access check verified (protected routes), {@code client:<address>} otherwise
 * (public routes and paths). The per-client resolver always keys on the client address.
 *
 * <p>The key is never empty: a request whose client address is unknown (not TCP) shares the
 * {@code client:unknown} bucket rather than passing unlimited or being refused by Spring Cloud
 * Gateway's empty-key rule.
 */
final class PortcullisKeyResolver implements KeyResolver {

	static final String USER_PREFIX = "user:";

	static final String CLIENT_PREFIX = "client:";

	private final boolean byUser;

	private PortcullisKeyResolver(boolean byUser) {
		this.byUser = byUser;
	}

	/** Per user on protected routes, per client address on public ones. */
	static PortcullisKeyResolver perUser() {
		return new PortcullisKeyResolver(true);
	}

	/** Per client address everywhere. */
	static PortcullisKeyResolver perClient() {
		return new PortcullisKeyResolver(false);
	}

	@Override
	public Mono<String> resolve(ServerWebExchange exchange) {
		if (this.byUser) {
			VerifiedAccess access = exchange.getAttribute(VerifiedAccess.ATTRIBUTE);
			if (access != null) {
				return Mono.just(USER_PREFIX + access.userId());
			}
		}
		String client = clientAddress(exchange);
		return Mono.just(CLIENT_PREFIX + ((client != null) ? client : "unknown"));
	}

	/**
	 * The client address as the gateway's client-address rules decide it: today the TCP
	 * peer, as {@code X-Forwarded-For} is set upstream. The one place to change if those rules
	 * change.
	 */
	static String clientAddress(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		return (peer != null) ? peer.getHostAddress() : null;
	}

}
