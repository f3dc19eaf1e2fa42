package dev.portcullis.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.testsupport.RawHttpConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The connection limits on a bare Reactor Netty server with the apps' customizer applied, and
 * the keep-alive idle timeout as the shipped {@code server.netty.idle-timeout} sets it.
 */
class ServerLimitsTests {

	private static final Duration HEADER_TIMEOUT = Duration.ofMillis(400);

	private static final Duration IDLE_TIMEOUT = Duration.ofMillis(1500);

	private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);

	private static final String GET = "GET /items HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicInteger open = new AtomicInteger();

	private DisposableServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow();
		}
	}

	@Test
	void headWhenTrickledPastTheDeadlineThenConnectionClosedAndCounted() throws IOException {
		start(limits(100, 10));
		try (RawHttpConnection connection = connect(Duration.ofMillis(150))) {
			connection.send("GET /items HTTP/1.1\r\nHost: 127.0.0.1\r\n");
			boolean closed = false;
			long start = System.nanoTime();
			for (int i = 0; i < 20 && !closed; i++) {
				connection.send("X-Slow-" + i + ": a\r\n"); // each line well inside the idle timeout
				closed = connection.closedByServer();
			}
			assertThat(closed).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HEADER_TIMEOUT.multipliedBy(4));
		}
		assertThat(refused("header_timeout")).isEqualTo(1);
	}

	@Test
	void keepAliveWhenIdleLongerThanTheHeaderDeadlineThenNextRequestServed() throws IOException {
		start(limits(100, 10));
		try (RawHttpConnection connection = connect(Duration.ofSeconds(3))) {
			connection.send(GET);
			assertThat(connection.readStatus()).isEqualTo(200);
			await().pollDelay(HEADER_TIMEOUT.multipliedBy(2)).until(() -> true);
			connection.send(GET);
			assertThat(connection.readStatus()).isEqualTo(200);
		}
		assertThat(refused("header_timeout")).isZero();
	}

	@Test
	void keepAliveWhenIdlePastTheIdleTimeoutThenClosed() throws IOException {
		start(limits(100, 10));
		try (RawHttpConnection connection = connect(IDLE_TIMEOUT.multipliedBy(3))) {
			connection.send(GET);
			assertThat(connection.readStatus()).isEqualTo(200);
			long start = System.nanoTime();
			assertThat(connection.closedByServer()).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(HEADER_TIMEOUT.multipliedBy(2))
				.isLessThan(IDLE_TIMEOUT.multipliedBy(2));
		}
	}

	@Test
	void headWhenMoreHeaderLinesThanAllowedThenClosedAndCounted() throws IOException {
		start(limits(20, 10));
		try (RawHttpConnection connection = connect(Duration.ofSeconds(2))) {
			connection.send("GET /items HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "a: b\r\n".repeat(20) + "\r\n");
			assertThat(connection.closedByServer()).isTrue();
		}
		try (RawHttpConnection connection = connect(Duration.ofSeconds(2))) {
			connection.send("GET /items HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "a: b\r\n".repeat(19) + "\r\n");
			assertThat(connection.readStatus()).isEqualTo(200);
		}
		assertThat(refused("too_many_headers")).isEqualTo(1);
	}

	@Test
	void bodyWhenManyLinesSentWithTheHeadThenNotCountedAsHeaders() throws IOException {
		start(limits(20, 10));
		String body = "line\n".repeat(500);
		try (RawHttpConnection connection = connect(Duration.ofSeconds(2))) {
			connection.send("POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length() + "\r\n\r\n"
					+ body, GET);
			assertThat(connection.readStatus()).isEqualTo(200);
			assertThat(connection.readStatus()).isEqualTo(200);
		}
		assertThat(refused("too_many_headers")).isZero();
	}

	@Test
	void connectWhenAtTheCapThenClosedAtOnceAndCountedUntilOneCloses() throws IOException {
		start(limits(100, 2));
		try (RawHttpConnection first = connect(Duration.ofSeconds(2));
				RawHttpConnection second = connect(Duration.ofSeconds(2))) {
			first.send(GET);
			second.send(GET);
			assertThat(first.readStatus()).isEqualTo(200);
			assertThat(second.readStatus()).isEqualTo(200);
			assertThat(this.registry.get(ConnectionMeter.OPEN).gauge().value()).isEqualTo(2);
			try (RawHttpConnection third = connect(Duration.ofSeconds(2))) {
				assertThat(third.closedByServer()).isTrue();
			}
			assertThat(refused("max_connections")).isEqualTo(1);
		}
		await().atMost(Duration.ofSeconds(2)).until(() -> this.open.get() == 0);
		try (RawHttpConnection again = connect(Duration.ofSeconds(2))) {
			again.send(GET);
			assertThat(again.readStatus()).isEqualTo(200);
		}
	}

	@Test
	void bodyWhenStalledPastTheReadTimeoutThenConnectionClosed() throws IOException {
		this.server = ConnectionLimits
			.customizer(limits(100, 10), Duration.ofMillis(500), Duration.ofSeconds(30), this.open,
					ConnectionMeter.on(this.registry, this.open::get))
			.apply(HttpServer.create()
				.host("127.0.0.1")
				.port(0)
				.handle((request, response) -> request.receive().then(response.sendString(Mono.just("ok")).then())))
			.bindNow();
		try (RawHttpConnection connection = connect(Duration.ofSeconds(3))) {
			connection.send("POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n" + "x".repeat(10));
			long start = System.nanoTime();
			// the body fails in the handler, which answers as it answers any failure (this bare one: 500)
			assertThat(connection.readStatus()).isGreaterThanOrEqualTo(400);
			assertThat(connection.closedByServer()).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		}
	}

	@Test
	void webSocketWhenOpenLongerThanTheHeaderDeadlineThenStillCarriesFrames() {
		ConnectionMeter meter = ConnectionMeter.on(this.registry, this.open::get);
		this.server = ConnectionLimits.customizer(limits(100, 10), BODY_READ_TIMEOUT, BODY_TIMEOUT, this.open, meter)
			.apply(HttpServer.create()
				.host("127.0.0.1")
				.port(0)
				.handle((request, response) -> response
					.sendWebsocket((in, out) -> out.sendString(in.receive().asString()))))
			.bindNow();
		List<String> echoed = HttpClient.create()
			.websocket()
			.uri("ws://127.0.0.1:" + this.server.port() + "/")
			.handle((in, out) -> out
				.sendString(Flux.concat(Mono.just("one"), Mono.delay(HEADER_TIMEOUT.multipliedBy(3)).thenReturn("two")))
				.then()
				.thenMany(Flux.<String>never())
				.mergeWith(in.receive().asString()))
			.take(2)
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(echoed).containsExactly("one", "two");
		assertThat(refused("header_timeout")).isZero();
	}

	@Test
	void limitsWhenZeroOrNegativeThenRefusedWithTheSettingToFix() {
		assertThatThrownBy(() -> new ServerLimits(Duration.ZERO, 100, 10))
			.hasMessageContaining("portcullis.server.header-timeout must be a positive duration");
		assertThatThrownBy(() -> new ServerLimits(HEADER_TIMEOUT, 100, 0))
			.hasMessageContaining("portcullis.server.max-connections must be at least 1");
		assertThatThrownBy(() -> new ServerLimits(HEADER_TIMEOUT, 0, 10))
			.hasMessageContaining("portcullis.server.max-header-count must be at least 1");
		assertThatThrownBy(() -> ServerLimits.requirePositive(Duration.ofSeconds(-1), "body-timeout", "5m"))
			.hasMessageContaining("portcullis.server.body-timeout must be a positive duration such as 5m");
	}

	private static ServerLimits limits(int maxHeaderCount, int maxConnections) {
		return new ServerLimits(HEADER_TIMEOUT, maxHeaderCount, maxConnections);
	}

	private void start(ServerLimits limits) {
		ConnectionMeter meter = ConnectionMeter.on(this.registry, this.open::get);
		HttpServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.idleTimeout(IDLE_TIMEOUT)
			.handle((request, response) -> request.receive().then(response.sendString(Mono.just("ok")).then()));
		this.server = ConnectionLimits.customizer(limits, BODY_READ_TIMEOUT, BODY_TIMEOUT, this.open, meter)
			.apply(server)
			.bindNow();
	}

	private RawHttpConnection connect(Duration readTimeout) throws IOException {
		return new RawHttpConnection(this.server.port(), readTimeout);
	}

	private double refused(String reason) {
		return this.registry.get(ConnectionMeter.REFUSED).tag("reason", reason).counter().count();
	}

}
