package dev.portcullis.gateway.websocket;

import java.util.List;

import dev.portcullis.gateway.security.VerifiedAccess;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.context.Lifecycle;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@link WebSocketService} that Spring Cloud Gateway's {@code WebsocketRoutingFilter}
 * upgrades proxied sockets with, decorated so that every socket opened on a protected route is
 * tracked by {@link OpenSockets} with the access that opened it, and ended when that access
 * ends. Sockets on public routes (no verified access) are not tracked.
 *
 * <p>Every upgrade, public or not, is first admitted by {@link SocketLimits}; past a cap it is
 * refused with a {@link SocketRefusedException} before anything is upgraded or proxied. The
 * permit is released when the proxy handler ends (the client or the upstream closed, the
 * gateway ended the socket, the upstream could not be reached), when the upgrade fails, and in
 * any case when the client's connection closes.
 *
 * <p>The filter hands this service its proxy handler, which connects to the upstream once the
 * client's upgrade is done; the handler is given a {@link GuardedSession} in place of the
 * client's session.
 */
final class GuardedWebSocketService implements WebSocketService, Lifecycle {

	private final WebSocketService delegate;

	private final OpenSockets sockets;

	private final SocketLimits limits;

	GuardedWebSocketService(WebSocketService delegate, OpenSockets sockets, SocketLimits limits) {
		this.delegate = delegate;
		this.sockets = sockets;
		this.limits = limits;
	}

	@Override
	public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
		VerifiedAccess access = exchange.getAttribute(VerifiedAccess.ATTRIBUTE);
		return Mono.defer(() -> {
			SocketLimits.Permit permit = this.limits.admit((access != null) ? access.userId() : null);
			WebSocketHandler proxy = (access != null) ? new GuardedHandler(handler, access) : handler;
			return this.delegate.handleRequest(exchange, new PermittedHandler(proxy, permit))
				.doOnSuccess((done) -> releaseWhenConnectionCloses(exchange, permit))
				.doOnError((ex) -> permit.release())
				.doOnCancel(permit::release);
		});
	}

	/**
	 * Covers an upgraded socket whose handler never runs (Reactor Netty skips it when no
	 * sub-protocol matched). Registered only after the upgrade, so a keep-alive connection with
	 * many failed upgrades collects no listeners.
	 */
	private static void releaseWhenConnectionCloses(ServerWebExchange exchange, SocketLimits.Permit permit) {
		Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		if (nativeRequest instanceof Connection connection) {
			connection.onDispose(permit::release);
		}
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

	/** Releases the socket's permit when the proxy handler ends, however it ends. */
	private static final class PermittedHandler implements WebSocketHandler {

		private final WebSocketHandler handler;

		private final SocketLimits.Permit permit;

		PermittedHandler(WebSocketHandler handler, SocketLimits.Permit permit) {
			this.handler = handler;
			this.permit = permit;
		}

		@Override
		public List<String> getSubProtocols() {
			return this.handler.getSubProtocols();
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			return Mono.defer(() -> this.handler.handle(session)).doFinally((signal) -> this.permit.release());
		}

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
