package dev.portcullis.gateway.route;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the services behind the gateway who the client is: {@code X-Forwarded-For} is sent as
 * exactly one entry, the address of the gateway's own peer. Whatever the client sent in that
 * header is dropped, never passed on, so a service that believes the header only from the
 * gateway (the auth service's session list and audit) cannot be lied to.
 *
 * <p>Spring Cloud Gateway's own {@code XForwardedHeadersFilter} runs only when
 * {@code spring.cloud.gateway.server.webflux.trusted-proxies} is set; without it
 * {@code RemoveXForwardedHeadersFilter} strips every {@code X-Forwarded-*} header and nothing
 * is added. This runs after both ({@link Ordered#LOWEST_PRECEDENCE}, behind
 * {@code RemoveHopByHopHeadersFilter}, which hands over a fresh writable copy).
 */
@Component
class ClientAddressHeader implements HttpHeadersFilter, Ordered {

	static final String X_FORWARDED_FOR = "X-Forwarded-For";

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (peer == null) {
			input.remove(X_FORWARDED_FOR);
		}
		else {
			input.set(X_FORWARDED_FOR, peer.getHostAddress());
		}
		return input;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
