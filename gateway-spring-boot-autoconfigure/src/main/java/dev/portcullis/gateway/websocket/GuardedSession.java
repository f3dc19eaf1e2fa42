package dev.portcullis.gateway.websocket;

import java.util.Map;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * The client's side of a proxied socket, as Spring Cloud Gateway's proxy handler sees it, so
 * that the gateway can end a socket with one close code towards the client and a normal close
 * towards the upstream.
 *
 * <p>The proxy handler ({@code WebsocketRoutingFilter.ProxyWebSocketHandler} in 5.0.3) closes
 * the upstream with whatever status {@link #closeStatus()} emits, passing 3000–4999 through;
 * closes the client when the upstream closes while {@link #isOpen()} still says so; and ends
 * both directions as soon as either stops, cancelling the other read. Reactor Netty sends
 * only the first close of a connection, and a read cancelled before that makes it send an
 * empty close (1005). So when the gateway ends a socket:
 * <ol>
 * <li>the client is closed with the given status; Reactor Netty reports that status to the
 * proxy before it writes the close, and this session reports it as a normal close, so the
 * upstream is closed with 1000 before anything else can close it;</li>
 * <li>the client's read, which the client's close ends, is held open rather than completed,
 * so it cannot end the upstream direction ahead of that normal close;</li>
 * <li>the session says it is closed, so the upstream's answering close is not relayed.</li>
 * </ol>
 */
final class GuardedSession implements WebSocketSession {

	private final WebSocketSession delegate;

	private volatile boolean ending;

	GuardedSession(WebSocketSession delegate) {
		this.delegate = delegate;
	}

	/**
	 * Ends the socket: the client is closed with {@code status}, then the upstream normally.
	 * @param status what the client is told
	 * @return completion of the client's close
	 */
	Mono<Void> end(CloseStatus status) {
		this.ending = true;
		return this.delegate.close(status);
	}

	@Override
	public Mono<CloseStatus> closeStatus() {
		return this.delegate.closeStatus().map((status) -> this.ending ? CloseStatus.NORMAL : status);
	}

	@Override
	public boolean isOpen() {
		return !this.ending && this.delegate.isOpen();
	}

	@Override
	public Mono<Void> close(CloseStatus status) {
		return this.ending ? Mono.empty() : this.delegate.close(status);
	}

	@Override
	public String getId() {
		return this.delegate.getId();
	}

	@Override
	public HandshakeInfo getHandshakeInfo() {
		return this.delegate.getHandshakeInfo();
	}

	@Override
	public DataBufferFactory bufferFactory() {
		return this.delegate.bufferFactory();
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.delegate.getAttributes();
	}

	@Override
	public Flux<WebSocketMessage> receive() {
		return this.delegate.receive()
			.onErrorResume((ex) -> this.ending ? Flux.never() : Flux.error(ex))
			.concatWith(Flux.defer(() -> this.ending ? Flux.never() : Flux.empty()));
	}

	@Override
	public Mono<Void> send(Publisher<WebSocketMessage> messages) {
		return this.delegate.send(messages);
	}

	@Override
	public WebSocketMessage textMessage(String payload) {
		return this.delegate.textMessage(payload);
	}

	@Override
	public WebSocketMessage binaryMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
		return this.delegate.binaryMessage(payloadFactory);
	}

	@Override
	public WebSocketMessage pingMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
		return this.delegate.pingMessage(payloadFactory);
	}

	@Override
	public WebSocketMessage pongMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
		return this.delegate.pongMessage(payloadFactory);
	}

	@Override
	public String toString() {
		return "GuardedSession[" + this.delegate + "]";
	}

}
