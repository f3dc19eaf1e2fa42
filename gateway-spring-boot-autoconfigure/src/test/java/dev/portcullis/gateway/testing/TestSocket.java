package dev.portcullis.gateway.testing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import static org.awaitility.Awaitility.await;

/**
 * One WebSocket opened with Reactor Netty's client, as a browser would open it through the
 * gateway: it records every text message and the close status, with the time each arrived.
 */
public final class TestSocket implements AutoCloseable {

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();

	private final Disposable connection;

	private volatile Closed closed;

	private volatile Throwable failure;

	private TestSocket(URI uri, Map<String, String> headers) {
		this.connection = HttpClient.create()
			.headers((h) -> headers.forEach(h::add))
			.websocket()
			.uri(uri)
			.handle((in, out) -> Mono.when(out.sendString(this.outgoing.asFlux()),
					in.receive().asString().doOnNext((text) -> this.received.add(new Received(text, now()))),
					in.receiveCloseStatus().doOnNext((status) -> this.closed = new Closed(status, now()))))
			.subscribe(null, (ex) -> this.failure = ex);
	}

	/** Starts opening a socket without waiting: for upgrades that may be refused or cut short. */
	public static TestSocket start(URI uri, Map<String, String> headers) {
		return new TestSocket(uri, headers);
	}

	/** Opens a socket and waits for the upstream's first message. */
	public static TestSocket open(URI uri, Map<String, String> headers) {
		TestSocket socket = new TestSocket(uri, headers);
		await().atMost(Duration.ofSeconds(10)).until(() -> !socket.received.isEmpty() || socket.failure != null);
		if (socket.failure != null) {
			throw new IllegalStateException("The upgrade failed", socket.failure);
		}
		return socket;
	}

	public void send(String text) {
		this.outgoing.emitNext(text, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
	}

	public List<Received> received() {
		return List.copyOf(this.received);
	}

	public List<String> texts() {
		return this.received.stream().map(Received::text).toList();
	}

	/** Why the upgrade or the connection failed, or null. */
	public Throwable failure() {
		return this.failure;
	}

	/** How the socket was closed, or null while it is open. */
	public Closed closed() {
		return this.closed;
	}

	private static long now() {
		return System.currentTimeMillis();
	}

	@Override
	public void close() {
		this.outgoing.tryEmitComplete();
		this.connection.dispose();
	}

	public record Received(String text, long atMillis) {
	}

	public record Closed(WebSocketCloseStatus status, long atMillis) {
	}

}
