package dev.portcullis.auth.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import dev.portcullis.auth.config.TrustedProxiesProperties;
import dev.portcullis.contract.forwarding.TrustedProxies;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Makes the request's remote address the client's, as Spring's {@code ForwardedHeaderTransformer}
 * does, but believing {@code X-Forwarded-For} only from the configured trusted proxies and only
 * as a strict IP literal ({@link TrustedProxies}); the header is then removed, so nothing later
 * reads it unchecked. {@code X-Forwarded-Host} and {@code X-Forwarded-Proto} (the public origin a
 * proof of possession names, {@link Proofs}) are kept only from a trusted proxy. Everything that records or budgets by client ({@link Clients}: the session
 * list, the audit log, the login throttle) reads the remote address.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class ClientAddressFilter implements WebFilter {

	private final TrustedProxies proxies;

	ClientAddressFilter(TrustedProxiesProperties properties) {
		this.proxies = properties.proxies();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange.mutate().request(resolved(exchange.getRequest())).build());
	}

	ServerHttpRequest resolved(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		InetAddress client = this.proxies.client(peer,
				request.getHeaders().getOrEmpty(TrustedProxies.X_FORWARDED_FOR));
		boolean trusted = peer != null && this.proxies.contains(peer);
		ServerHttpRequest.Builder builder = request.mutate().headers((headers) -> {
			headers.remove(TrustedProxies.X_FORWARDED_FOR);
			if (!trusted) {
				headers.remove(Proofs.X_FORWARDED_HOST);
				headers.remove(Proofs.X_FORWARDED_PROTO);
			}
		});
		if (client != null && client != peer) {
			builder.remoteAddress(new InetSocketAddress(client, 0));
		}
		return builder.build();
	}

}
