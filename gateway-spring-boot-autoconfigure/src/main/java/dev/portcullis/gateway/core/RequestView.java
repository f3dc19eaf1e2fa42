package dev.portcullis.gateway.core;

import java.net.InetSocketAddress;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * What the security decisions read of a request, whichever way it reached the gateway (a WebFlux
 * exchange or the lean path's Reactor Netty request): no exchange, no body.
 *
 * @param method the request method
 * @param rawPath the path as the client sent it, still percent-encoded
 * @param rawQuery the query as sent, or {@code null}
 * @param headers the client's headers
 * @param remoteAddress the TCP peer, or {@code null} when not known
 */
public record RequestView(HttpMethod method, String rawPath, String rawQuery, HttpHeaders headers,
		InetSocketAddress remoteAddress) {

	/** Whether this is a WebSocket upgrade. */
	public boolean isUpgrade() {
		return "websocket".equalsIgnoreCase(this.headers.getFirst(HttpHeaders.UPGRADE));
	}

	/** The {@code Origin} header, or {@code null}. */
	public String origin() {
		return this.headers.getFirst(HttpHeaders.ORIGIN);
	}

}
