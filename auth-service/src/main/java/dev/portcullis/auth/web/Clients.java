package dev.portcullis.auth.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import dev.portcullis.auth.session.ClientInfo;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Who is calling, for the session list and the audit log. Behind the gateway the peer is a
 * loopback or private address and the client is the last {@code X-Forwarded-For} entry: the
 * gateway replaces whatever the client sent with the one address it accepted the connection
 * from. A public peer's forwarding headers are not believed, nor an entry that is not an IP
 * address.
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
			if (isIpLiteral(last)) {
				return last;
			}
		}
		return peer.getHostAddress();
	}

	/** Digits, hex letters, dots and colons only, as long as an IPv6 address at most: no name to look up. */
	private static boolean isIpLiteral(String value) {
		if (value.isEmpty() || value.length() > 45) {
			return false;
		}
		boolean separator = false;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '.' || c == ':') {
				separator = true;
			}
			else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
				return false;
			}
		}
		return separator;
	}

}
