package dev.portcullis.gateway.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import dev.portcullis.contract.forwarding.TrustedProxies;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's address, for everything in the gateway that needs it (the {@code X-Forwarded-For}
 * the proxy sends upstream): the TCP peer, unless the peer is one of the configured load
 * balancers, whose {@code X-Forwarded-For} is then read by the contract's rule (right-most entry
 * that is not a trusted proxy, strict IP literals only).
 */
public final class ClientAddresses {

	private final TrustedProxies proxies;

	public ClientAddresses(TrustedProxies proxies) {
		this.proxies = proxies;
	}

	/**
	 * @param request the request as received from the client or a load balancer
	 * @return the client's address, or {@code null} when the peer is not known
	 */
	public InetAddress of(ServerHttpRequest request) {
		return of(request.getRemoteAddress(), request.getHeaders());
	}

	/**
	 * @param remote the TCP peer, or {@code null} when not known
	 * @param headers the request's headers as received
	 * @return the client's address, or {@code null} when the peer is not known
	 */
	public InetAddress of(InetSocketAddress remote, HttpHeaders headers) {
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (this.proxies.isEmpty()) {
			return peer;
		}
		return this.proxies.client(peer, headers.getOrEmpty(TrustedProxies.X_FORWARDED_FOR));
	}

}
