package dev.portcullis.gateway.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.contract.revocation.FeedHeartbeat;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.contract.revocation.RevocationFeed;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands in for the auth service's revocation feed, as {@link RevocationFeed} describes it:
 * Server-Sent Events behind a bearer secret, a replay of the events after {@code after}, then
 * live events and (optionally) heartbeats. It records every request, can drop its open
 * streams, can be stopped and started again on the same port, can answer every request with an
 * error status instead, and can rewind its ids as a restored database would.
 */
public final class FakeRevocationFeed implements AutoCloseable {

	public static final String SECRET = "test-feed-secret-0123456789-abcdefghijklmnop";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<RevocationEvent> events = new CopyOnWriteArrayList<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

	private final AtomicLong nextId = new AtomicLong(1);

	private final Duration heartbeatEvery;

	private volatile int port;

	private volatile HttpResponseStatus refusal;

	private volatile DisposableServer server;

	/**
	 * Starts a feed.
	 * @param heartbeatEvery heartbeat interval, or {@code null} for a feed that never sends one
	 */
	public FakeRevocationFeed(Duration heartbeatEvery) {
		this.heartbeatEvery = heartbeatEvery;
		start();
	}

	public void start() {
		this.server = HttpServer.create().host("127.0.0.1").port(this.port).handle(this::handle).bindNow();
		this.port = this.server.port();
	}

	/** Ends every open stream, then stops listening; the port stays reserved for {@link #start}. */
	public void stop() {
		dropConnections();
		this.server.disposeNow();
	}

	/**
	 * Answers every later request with this status instead of the feed, or serves the feed again.
	 * @param status the status to answer, or {@code null} to serve the feed
	 */
	public void refuseWith(HttpResponseStatus status) {
		this.refusal = status;
	}

	/**
	 * Goes back to id {@code lastId} as a database restored from an older backup would: later
	 * events are lost and the next one gets {@code lastId + 1}. Open streams get what the auth
	 * service sends then: a resync, then the replay from the start.
	 */
	public void rewindTo(long lastId) {
		this.events.removeIf((event) -> event.id() > lastId);
		this.nextId.set(lastId + 1);
		send(resync());
		for (RevocationEvent event : this.events) {
			send(frame(RevocationFeed.EVENT_REVOCATION, event.id(), json.writeValueAsString(event)));
		}
	}

	/** Ends every open stream as a restarting auth service would. */
	public void dropConnections() {
		for (Stream stream : this.streams) {
			stream.closed().tryEmitEmpty();
		}
		this.streams.clear();
	}

	/**
	 * Records a revocation and sends it to every open stream.
	 * @return the event, with its id
	 */
	public RevocationEvent revoke(String kind, String subject, long atMillis, long untilMillis) {
		RevocationEvent event = new RevocationEvent(this.nextId.getAndIncrement(), kind, subject, atMillis, untilMillis);
		this.events.add(event);
		send(frame(RevocationFeed.EVENT_REVOCATION, event.id(), json.writeValueAsString(event)));
		return event;
	}

	/** Sends an event with arbitrary data to every open stream, without recording it. */
	public void sendRaw(String name, String data) {
		send(frame(name, null, data));
	}

	private void send(String frame) {
		for (Stream stream : this.streams) {
			stream.live().tryEmitNext(frame);
		}
	}

	public List<Request> requests() {
		return List.copyOf(this.requests);
	}

	public int openStreams() {
		return this.streams.size();
	}

	public URI uri() {
		return URI.create("http://127.0.0.1:" + this.port + RevocationFeed.PATH);
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		QueryStringDecoder query = new QueryStringDecoder(request.uri());
		if (!query.path().equals(RevocationFeed.PATH)) {
			return response.status(HttpResponseStatus.NOT_FOUND).send();
		}
		List<String> after = query.parameters().getOrDefault(RevocationFeed.AFTER, List.of());
		String authorization = request.requestHeaders().get("Authorization");
		List<String> afterAt = query.parameters().getOrDefault(RevocationFeed.AFTER_AT, List.of());
		this.requests.add(new Request(authorization, request.requestHeaders().get("Accept"),
				after.isEmpty() ? null : after.get(0), afterAt.isEmpty() ? null : afterAt.get(0)));
		HttpResponseStatus refused = this.refusal;
		if (refused != null) {
			return response.status(refused).send();
		}
		if (!("Bearer " + SECRET).equals(authorization)) {
			return response.status(HttpResponseStatus.UNAUTHORIZED).send();
		}
		long asked = after.isEmpty() ? 0 : Long.parseLong(after.get(0));
		// as the auth service: an after beyond the last id, or naming another event, is answered
		// with a resync and the replay from the start
		boolean otherEvent = !afterAt.isEmpty() && this.events.stream()
			.anyMatch((event) -> event.id() == asked && event.at() != Long.parseLong(afterAt.get(0)));
		boolean rewound = asked > this.nextId.get() - 1 || otherEvent;
		long afterId = rewound ? 0 : asked;
		Stream stream = new Stream(Sinks.many().unicast().onBackpressureBuffer(), Sinks.empty());
		// registered before the replay is taken, so nothing published in between is lost
		this.streams.add(stream);
		Flux<String> replay = Flux.fromIterable(List.copyOf(this.events))
			.filter((event) -> event.id() > afterId)
			.map((event) -> frame(RevocationFeed.EVENT_REVOCATION, event.id(), json.writeValueAsString(event)));
		if (rewound) {
			replay = Flux.concat(Mono.fromSupplier(this::resync), replay);
		}
		Flux<String> heartbeats = (this.heartbeatEvery != null)
				? Flux.interval(this.heartbeatEvery).map((tick) -> heartbeat()) : Flux.never();
		Flux<String> body = Flux.merge(replay.concatWith(stream.live().asFlux()), heartbeats)
			.takeUntilOther(stream.closed().asMono())
			.doFinally((signal) -> this.streams.remove(stream));
		// flushed frame by frame, as a live stream must be
		return response.header("Content-Type", "text/event-stream")
			.send(body.map((frame) -> Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)), (buffer) -> true)
			.then();
	}

	private String heartbeat() {
		long lastId = this.nextId.get() - 1;
		return frame(RevocationFeed.EVENT_HEARTBEAT, null,
				json.writeValueAsString(new FeedHeartbeat(lastId, System.currentTimeMillis())));
	}

	private String resync() {
		long lastId = this.nextId.get() - 1;
		return frame(RevocationFeed.EVENT_RESYNC, null,
				json.writeValueAsString(new FeedHeartbeat(lastId, System.currentTimeMillis())));
	}

	private static String frame(String name, Long id, String data) {
		return ((id != null) ? "id: " + id + "\n" : "") + "event: " + name + "\ndata: " + data + "\n\n";
	}

	@Override
	public void close() {
		if (this.server != null && !this.server.isDisposed()) {
			stop();
		}
	}

	/** One request as the feed received it. */
	public record Request(String authorization, String accept, String after, String afterAt) {
	}

	private record Stream(Sinks.Many<String> live, Sinks.Empty<Void> closed) {
	}

}
