package dev.portcullis.auth.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import dev.portcullis.auth.session.ClientInfo;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Who is calling, for the session list, the audit log and the login throttle: the request's
 * remote address, which {@link ClientAddressFilter} has made the client's (the gateway's
 * {@code X-Forwarded-For} entry when the gateway is a trusted proxy, else the TCP peer).
 */
final class Clients {

	private Clients() {
	}

	static ClientInfo of(ServerHttpRequest request) {
		return new ClientInfo(request.getHeaders().getFirst(HttpHeaders.USER_AGENT), ip(request));
	}

	private static String ip(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress address = (remote != null) ? remote.getAddress() : null;
		return (address != null) ? address.getHostAddress() : null;
	}

}
