package dev.portcullis.gateway.ratelimit;

import java.net.InetAddress;

import dev.portcullis.gateway.client.ClientAddresses;
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

	private final ClientAddresses clients;

	private PortcullisKeyResolver(boolean byUser, ClientAddresses clients) {
		this.byUser = byUser;
		this.clients = clients;
	}

	/** Per user on protected routes, per client address on public ones. */
	static PortcullisKeyResolver perUser(ClientAddresses clients) {
		return new PortcullisKeyResolver(true, clients);
	}

	/** Per client address everywhere. */
	static PortcullisKeyResolver perClient(ClientAddresses clients) {
		return new PortcullisKeyResolver(false, clients);
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

	/** The client address as the gateway's client-address rules decide it (trusted proxies included). */
	private String clientAddress(ServerWebExchange exchange) {
		InetAddress client = this.clients.of(exchange.getRequest());
		return (client != null) ? client.getHostAddress() : null;
	}

}
