package dev.portcullis.gateway.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A real WebSocket upstream for the gateway at {@code /ws/echo}: on open it sends
 * {@code open <X-User-Id>}, then echoes every text message. It records the headers of every
 * upgrade it accepted and the close status each session's socket ended with. At
 * {@code /ws/closing} it sends the same first message, then closes the socket normally itself;
 * {@code GET /http/ok} answers 200 {@code ok}, for plain requests beside the sockets.
 */
public final class WebSocketUpstream implements AutoCloseable {

	private final DisposableServer server;

	private final List<Map<String, String>> upgrades = new CopyOnWriteArrayList<>();

	private final Map<String, WebSocketCloseStatus> closes = new ConcurrentHashMap<>();

	public WebSocketUpstream() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.ws("/ws/echo", this::echo)
				.ws("/ws/closing",
						(in, out) -> out.sendString(Mono.just("open " + in.headers().get("X-User-Id")))
							.then(out.sendClose(1000, "bye")))
				.get("/http/ok", (request, response) -> response.sendString(Mono.just("ok"))))
			.bindNow();
	}

	private Mono<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
		Map<String, String> headers = new TreeMap<>();
		in.headers().forEach((header) -> headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
		this.upgrades.add(headers);
		Flux<String> replies = Flux.just("open " + headers.get("x-user-id")).concatWith(in.receive().asString());
		String session = String.valueOf(headers.get("x-session-id"));
		return Mono.when(out.sendString(replies),
				in.receiveCloseStatus().doOnNext((status) -> this.closes.put(session, status)));
	}

	/** The headers (names lower-cased) of every upgrade accepted so far, in order. */
	public List<Map<String, String>> upgrades() {
		return List.copyOf(this.upgrades);
	}

	/** The close status the socket opened with this X-Session-Id ended with, or null. */
	public WebSocketCloseStatus closeOf(String sessionId) {
		return this.closes.get(sessionId);
	}

	/** The gateway route URI: plain http, which the gateway switches to ws for an upgrade. */
	public String uri() {
		return "http://127.0.0.1:" + this.server.port();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
