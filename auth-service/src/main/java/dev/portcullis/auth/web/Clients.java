package dev.portcullis.auth.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import dev.portcullis.auth.session.ClientInfo;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Who is calling, for the session list. Behind the gateway the peer is a loopback or private
 * address and the client is the last {@code X-Forwarded-For} entry, the one the gateway appended;
 * a public peer's own forwarding headers are not believed.
 */
final class Clients {

	private Clients() {
	}

	static ClientInfo of(ServerHttpRequest request) {
		return new ClientInfo(request.getHeaders().getFirst(HttpHeaders.USER_AGENT), ip(request));
	}

	private static String ip(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (peer == null) {
			return null;
		}
		List<String> forwarded = request.getHeaders().getValuesAsList("X-Forwarded-For");
		boolean trustedPeer = peer.isLoopbackAddress() || peer.isSiteLocalAddress() || peer.isLinkLocalAddress();
		if (trustedPeer && !forwarded.isEmpty()) {
			String last = forwarded.get(forwarded.size() - 1).strip();
			if (!last.isEmpty()) {
				return last;
			}
		}
		return peer.getHostAddress();
	}

}
