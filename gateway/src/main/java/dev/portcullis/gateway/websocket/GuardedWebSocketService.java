package dev.portcullis.gateway.websocket;

import java.util.List;

import dev.portcullis.gateway.security.VerifiedAccess;
import reactor.core.publisher.Mono;

import org.springframework.context.Lifecycle;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@link WebSocketService} that Spring Cloud Gateway's {@code WebsocketRoutingFilter}
 * upgrades proxied sockets with, decorated so that every socket opened on a protected route is
 * tracked by {@link OpenSockets} with the access that opened it, and ended when that access
 * ends. Sockets on public routes (no verified access) pass untouched.
 *
 * <p>The filter hands this service its proxy handler, which connects to the upstream once the
 * client's upgrade is done; the handler is given a {@link GuardedSession} in place of the
 * client's session.
 */
final class GuardedWebSocketService implements WebSocketService, Lifecycle {

	private final WebSocketService delegate;

	private final OpenSockets sockets;

	GuardedWebSocketService(WebSocketService delegate, OpenSockets sockets) {
		this.delegate = delegate;
		this.sockets = sockets;
	}

	@Override
	public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
		VerifiedAccess access = exchange.getAttribute(VerifiedAccess.ATTRIBUTE);
		return this.delegate.handleRequest(exchange, (access != null) ? new GuardedHandler(handler, access) : handler);
	}

	@Override
	public void start() {
		if (this.delegate instanceof Lifecycle lifecycle) {
			lifecycle.start();
		}
	}

	@Override
	public void stop() {
		if (this.delegate instanceof Lifecycle lifecycle) {
			lifecycle.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return !(this.delegate instanceof Lifecycle lifecycle) || lifecycle.isRunning();
	}

	/** Runs the proxy handler on a guarded session for as long as the access lasts. */
	private final class GuardedHandler implements WebSocketHandler {

		private final WebSocketHandler handler;

		private final VerifiedAccess access;

		GuardedHandler(WebSocketHandler handler, VerifiedAccess access) {
			this.handler = handler;
			this.access = access;
		}

		@Override
		public List<String> getSubProtocols() {
			return this.handler.getSubProtocols();
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			GuardedSession guarded = new GuardedSession(session);
			OpenSocket socket = GuardedWebSocketService.this.sockets.open(this.access);
			return Mono.when(this.handler.handle(guarded).doFinally((signal) -> socket.finished()),
					socket.ended().flatMap(guarded::end))
				.doFinally((signal) -> GuardedWebSocketService.this.sockets.closed(socket));
		}

	}

}
