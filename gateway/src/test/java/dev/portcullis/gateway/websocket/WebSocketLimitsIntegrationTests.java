package dev.portcullis.gateway.websocket;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.core.instrument.MeterRegistry;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestSocket;
import dev.portcullis.gateway.testing.TestTokens;
import dev.portcullis.gateway.testing.WebSocketUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The caps on open WebSockets through the real gateway, and sockets kept off the HTTP pool.
 * The HTTP pool is lowered to {@value #HTTP_POOL} connections with a 1 s acquire timeout and
 * one user may hold as many sockets: were sockets on the HTTP pool, one user's full set would
 * turn every other user's plain request to the same upstream into 503.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class WebSocketLimitsIntegrationTests {

	static final String ACCESS = "__Host-access_token";

	static final String APP_ORIGIN = "https://app.example.com";

	static final int HTTP_POOL = 4;

	static final int MAX_PER_USER = HTTP_POOL;

	static final int MAX_OPEN = 6;

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final WebSocketUpstream upstream = new WebSocketUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofMillis(200));

	static final int deadPort = freePort();

	@Autowired
	WebTestClient client;

	@Autowired
	SocketLimits limits;

	@Autowired
	OpenSockets sockets;

	@Autowired
	RevocationList revocations;

	@Autowired
	MeterRegistry registry;

	@Value("${local.server.port}")
	int port;

	private final List<TestSocket> opened = new ArrayList<>();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("portcullis.gateway.cors.allowed-origins", () -> APP_ORIGIN);
		registry.add("portcullis.gateway.websocket.max-per-user", () -> MAX_PER_USER);
		registry.add("portcullis.gateway.websocket.max-open", () -> MAX_OPEN);
		registry.add("management.server.port", () -> "0");
		String pool = "spring.cloud.gateway.server.webflux.httpclient.pool.";
		registry.add(pool + "max-connections", () -> HTTP_POOL);
		registry.add(pool + "acquire-timeout", () -> "1000");
		String api = "spring.cloud.gateway.server.webflux.routes[0].";
		registry.add(api + "id", () -> "api");
		registry.add(api + "uri", upstream::uri);
		registry.add(api + "predicates[0]", () -> "Path=/api/**");
		registry.add(api + "filters[0]", () -> "StripPrefix=1");
		String open = "spring.cloud.gateway.server.webflux.routes[1].";
		registry.add(open + "id", () -> "open");
		registry.add(open + "uri", upstream::uri);
		registry.add(open + "predicates[0]", () -> "Path=/open/**");
		registry.add(open + "filters[0]", () -> "StripPrefix=1");
		registry.add(open + "metadata.public", () -> "true");
		String dead = "spring.cloud.gateway.server.webflux.routes[2].";
		registry.add(dead + "id", () -> "dead");
		registry.add(dead + "uri", () -> "http://127.0.0.1:" + deadPort);
		registry.add(dead + "predicates[0]", () -> "Path=/dead/**");
		registry.add(dead + "filters[0]", () -> "StripPrefix=1");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		upstream.close();
		feed.close();
	}

	@BeforeEach
	void keysLoaded() {
		String user = UUID.randomUUID().toString();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> this.client.get()
				.uri("/api/http/ok")
				.cookie(ACCESS, token(user, UUID.randomUUID().toString()))
				.exchange()
				.expectStatus()
				.isOk());
	}

	@AfterEach
	void everySocketReleased() {
		this.opened.forEach(TestSocket::close);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.limits.open()).as("sockets admitted and not released").isZero());
		assertThat(this.limits.users()).as("per-user entries left").isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.sockets.tracked() == 0);
	}

	private static String token(String userId, String sessionId) {
		return TestTokens.accessToken(key).claim("sub", userId).claim("sid", sessionId).sign();
	}

	/** A browser's upgrade headers; without a cookie for a {@code null} token (public routes). */
	private Map<String, String> headers(String token) {
		return (token != null) ? Map.of(HttpHeaders.ORIGIN, APP_ORIGIN, HttpHeaders.COOKIE, ACCESS + "=" + token)
				: Map.of(HttpHeaders.ORIGIN, APP_ORIGIN);
	}

	private URI socketUri(String path) {
		return URI.create("ws://127.0.0.1:" + this.port + path);
	}

	private TestSocket open(String path, String token) {
		TestSocket socket = TestSocket.open(socketUri(path), headers(token));
		this.opened.add(socket);
		return socket;
	}

	private TestSocket start(String path, String token) {
		TestSocket socket = TestSocket.start(socketUri(path), headers(token));
		this.opened.add(socket);
		return socket;
	}

	/** An upgrade request as a browser sends it, for answers given before the upgrade. */
	private WebTestClient.RequestHeadersSpec<?> upgrade(String path, String token) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get()
			.uri(path)
			.header(HttpHeaders.ORIGIN, APP_ORIGIN)
			.header(HttpHeaders.CONNECTION, "Upgrade")
			.header(HttpHeaders.UPGRADE, "websocket")
			.header("Sec-WebSocket-Version", "13")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
		return (token != null) ? request.cookie(ACCESS, token) : request;
	}

	private void expectRefused(String path, String token, int status, String code) {
		upgrade(path, token).exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "5")
			.expectHeader()
			.doesNotExist(HttpHeaders.UPGRADE)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo(code)
			.jsonPath("$.status")
			.isEqualTo(status);
	}

	/** A plain request of another user to the same upstream, as the sockets' owner holds them. */
	private void expectHttpOk(String token) {
		this.client.mutate()
			.responseTimeout(Duration.ofSeconds(2))
			.build()
			.get()
			.uri("/api/http/ok")
			.cookie(ACCESS, token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("ok");
	}

	private double refusals(String outcome) {
		return this.registry.get(DecisionMeter.NAME).tags("outcome", outcome, "route", "api").counter().count();
	}

	private long upgradesBy(String userId) {
		return upstream.upgrades().stream().filter((headers) -> userId.equals(headers.get("x-user-id"))).count();
	}

	@Test
	void upgradeWhenUserPastCapThenTooManySocketsWhileOtherUsersHttpStaysOk() {
		String alice = UUID.randomUUID().toString();
		String aliceToken = token(alice, UUID.randomUUID().toString());
		String bobToken = token(UUID.randomUUID().toString(), UUID.randomUUID().toString());
		expectHttpOk(bobToken);
		for (int i = 0; i < MAX_PER_USER; i++) {
			open("/api/ws/echo", aliceToken);
			expectHttpOk(bobToken);
		}
		assertThat(this.limits.openBy(alice)).isEqualTo(MAX_PER_USER);
		double refusals = refusals("too_many_sockets");

		expectRefused("/api/ws/echo", aliceToken, 429, "too_many_sockets");
		assertThatIllegalStateException().as("a WebSocket client is refused too")
			.isThrownBy(() -> TestSocket.open(socketUri("/api/ws/echo"), headers(aliceToken)));
		assertThat(upgradesBy(alice)).as("refused upgrades never reach the upstream").isEqualTo(MAX_PER_USER);
		assertThat(this.limits.openBy(alice)).isEqualTo(MAX_PER_USER);
		assertThat(refusals("too_many_sockets")).as("refusals counted by reason").isEqualTo(refusals + 2);

		for (int i = 0; i < 2 * HTTP_POOL; i++) {
			expectHttpOk(bobToken);
		}
		for (TestSocket socket : this.opened) {
			socket.send("still here");
			await().atMost(Duration.ofSeconds(5)).until(() -> socket.texts().contains("still here"));
			assertThat(socket.closed()).isNull();
		}
	}

	@Test
	void upgradeWhenGatewayAtMaxOpenThenSocketsExhaustedWhileHttpStaysOk() {
		String carolToken = token(UUID.randomUUID().toString(), UUID.randomUUID().toString());
		String daveToken = token(UUID.randomUUID().toString(), UUID.randomUUID().toString());
		String bobToken = token(UUID.randomUUID().toString(), UUID.randomUUID().toString());
		for (int i = 0; i < MAX_PER_USER; i++) {
			open("/api/ws/echo", carolToken);
		}
		while (this.limits.open() < MAX_OPEN) {
			open("/open/ws/echo", null);
		}
		expectRefused("/api/ws/echo", daveToken, 503, "sockets_exhausted");
		expectRefused("/open/ws/echo", null, 503, "sockets_exhausted");
		expectHttpOk(bobToken);

		this.opened.remove(0).close();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.limits.open() < MAX_OPEN);
		assertThat(open("/api/ws/echo", daveToken).texts()).first().isNotEqualTo("open null");
	}

	@Test
	void socketWhenEndedAnyWayThenItsPlaceIsReleased() {
		String alice = UUID.randomUUID().toString();
		String session = UUID.randomUUID().toString();
		String aliceToken = token(alice, session);
		for (int i = 0; i < MAX_PER_USER - 1; i++) {
			open("/api/ws/echo", aliceToken);
		}
		int held = MAX_PER_USER - 1;

		// the client closes
		TestSocket closedByClient = open("/api/ws/echo", aliceToken);
		closedByClient.close();
		awaitHeld(alice, held);

		// the upstream closes
		TestSocket closedByUpstream = start("/api/ws/closing", aliceToken);
		await().atMost(Duration.ofSeconds(5)).until(() -> closedByUpstream.closed() != null);
		awaitHeld(alice, held);

		// the gateway ends it: its session is revoked
		String revokedSession = UUID.randomUUID().toString();
		TestSocket revoked = open("/api/ws/echo", token(alice, revokedSession));
		long now = System.currentTimeMillis();
		this.revocations.apply(new RevocationEvent(1, RevocationEvent.SESSION, revokedSession, now, now + 960_000));
		await().atMost(Duration.ofSeconds(5)).until(() -> revoked.closed() != null);
		assertThat(revoked.closed().status().reasonText()).isEqualTo("session_revoked");
		awaitHeld(alice, held);

		// the upstream cannot be reached after the client's upgrade
		start("/dead/ws/echo", aliceToken);
		awaitHeld(alice, held);

		// the upgrade itself fails
		this.client.get()
			.uri("/api/ws/echo")
			.cookie(ACCESS, aliceToken)
			.header(HttpHeaders.ORIGIN, APP_ORIGIN)
			.header(HttpHeaders.CONNECTION, "Upgrade")
			.header(HttpHeaders.UPGRADE, "websocket")
			.header("Sec-WebSocket-Version", "13")
			.exchange()
			.expectStatus()
			.isBadRequest();
		awaitHeld(alice, held);

		// and the user still has exactly one place left
		open("/api/ws/echo", aliceToken);
		expectRefused("/api/ws/echo", aliceToken, 429, "too_many_sockets");
	}

	private void awaitHeld(String userId, int count) {
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.limits.openBy(userId)).isEqualTo(count));
		assertThat(this.limits.open()).isEqualTo(count);
	}

}
