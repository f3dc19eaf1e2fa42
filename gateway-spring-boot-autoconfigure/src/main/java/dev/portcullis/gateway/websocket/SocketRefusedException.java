package dev.portcullis.gateway.websocket;

import java.time.Duration;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.web.GatewayException;

/**
 * A WebSocket upgrade refused because a cap on open sockets is reached (see
 * {@link SocketLimits}): the user's own, or the gateway's in all. Refused before the upgrade, so
 * the client gets an ordinary problem answer.
 */
final class SocketRefusedException extends GatewayException {

	/** A slot frees only when a socket closes; this spaces out a client's reconnect loop. */
	static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	private SocketRefusedException(String code, String detail) {
		super(code, detail, RETRY_AFTER);
	}

	static SocketRefusedException tooManyForUser() {
		return new SocketRefusedException(ErrorCodes.TOO_MANY_SOCKETS, "Too many open WebSockets for this user");
	}

	static SocketRefusedException exhausted() {
		return new SocketRefusedException(ErrorCodes.SOCKETS_EXHAUSTED,
				"The gateway holds as many WebSockets as it allows");
	}

}
