package dev.portcullis.gateway.websocket;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.contract.revocation.RevocationEvent;
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
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
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
import static org.awaitility.Awaitility.await;

/**
 * WebSockets through the real gateway to a real WebSocket upstream: the checks at the upgrade,
 * and sockets ended when the access that opened them expires or is revoked. Each test uses its
 * own user and session, since the denylist is shared.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class WebSocketIntegrationTests {

	static final String ACCESS = "__Host-access_token";

	static final String APP_ORIGIN = "https://app.example.com";

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final WebSocketUpstream upstream = new WebSocketUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofMillis(200));

	@Autowired
	WebTestClient client;

	@Autowired
	RevocationList revocations;

	@Autowired
	OpenSockets sockets;

	@Value("${local.server.port}")
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("portcullis.gateway.cors.allowed-origins", () -> APP_ORIGIN);
		registry.add("portcullis.gateway.clock-skew", () -> "0s");
		registry.add("management.server.port", () -> "0");
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
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		upstream.close();
		feed.close();
	}

	private final String userId = UUID.randomUUID().toString();

	private final String sessionId = UUID.randomUUID().toString();

	@BeforeEach
	void keysLoaded() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> this.client.get()
			.uri("/api/ws/echo")
			.cookie(ACCESS, token().sign())
			.exchange()
			.expectStatus()
			.value((status) -> assertThat(status).isNotIn(401, 503)));
	}

	private TestTokens.Builder token() {
		return TestTokens.accessToken(key).claim("sub", this.userId).claim("sid", this.sessionId);
	}

	private URI socketUri(String path) {
		return URI.create("ws://127.0.0.1:" + this.port + path);
	}

	private TestSocket open(String token) {
		return TestSocket.open(socketUri("/api/ws/echo"),
				Map.of(HttpHeaders.ORIGIN, APP_ORIGIN, HttpHeaders.COOKIE, ACCESS + "=" + token));
	}

	/** An upgrade request as a browser sends it, for answers that never reach the upgrade. */
	private WebTestClient.RequestHeadersSpec<?> upgrade(String path) {
		return this.client.get()
			.uri(path)
			.header(HttpHeaders.CONNECTION, "Upgrade")
			.header(HttpHeaders.UPGRADE, "websocket")
			.header("Sec-WebSocket-Version", "13")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
	}

	@Test
	void upgradeWhenNoAccessCookieThenUnauthorizedBeforeUpgrade() {
		int upgrades = upstream.upgrades().size();
		upgrade("/api/ws/echo").header(HttpHeaders.ORIGIN, APP_ORIGIN)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.doesNotExist(HttpHeaders.UPGRADE)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("token_missing");
		assertThat(upstream.upgrades()).hasSize(upgrades);
	}

	@Test
	void upgradeWhenAccessTokenExpiredThenUnauthorizedBeforeUpgrade() {
		String expired = token().expiresAt(java.time.Instant.now().minusSeconds(5)).sign();
		upgrade("/api/ws/echo").header(HttpHeaders.ORIGIN, APP_ORIGIN)
			.cookie(ACCESS, expired)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("token_expired");
	}

	@Test
	void upgradeWhenOriginNotAllowedThenCsrfRejected() {
		int upgrades = upstream.upgrades().size();
		upgrade("/api/ws/echo").header(HttpHeaders.ORIGIN, "https://evil.example.net")
			.cookie(ACCESS, token().sign())
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("csrf_rejected");
		assertThat(upstream.upgrades()).hasSize(upgrades);
	}

	@Test
	void upgradeWhenNoOriginThenCsrfRejected() {
		upgrade("/api/ws/echo").cookie(ACCESS, token().sign())
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("csrf_rejected");
	}

	@Test
	void upgradeWhenAllowedOriginAndValidCookieThenEchoesAndUpstreamSeesIdentity() {
		String token = token().sign();
		try (TestSocket socket = TestSocket.open(socketUri("/api/ws/echo"),
				Map.of(HttpHeaders.ORIGIN, APP_ORIGIN, HttpHeaders.COOKIE, ACCESS + "=" + token + "; theme=dark",
						"X-User-Id", "spoofed", "X-User-Roles", "admin"))) {
			socket.send("hello");
			await().atMost(Duration.ofSeconds(5)).until(() -> socket.texts().contains("hello"));
			assertThat(socket.texts()).first().isEqualTo("open " + this.userId);
		}
		Map<String, String> seen = upstream.upgrades().stream()
			.filter((headers) -> this.userId.equals(headers.get("x-user-id")))
			.findFirst()
			.orElseThrow();
		assertThat(seen).containsEntry("x-user-roles", "user")
			.containsEntry("x-session-id", this.sessionId)
			.containsEntry("cookie", "theme=dark")
			.containsEntry("origin", APP_ORIGIN);
	}

	@Test
	void upgradeWhenPublicRouteThenNeitherCookieNorOriginChecked() {
		try (TestSocket socket = TestSocket.open(socketUri("/open/ws/echo"),
				Map.of(HttpHeaders.ORIGIN, "https://elsewhere.example.net", "X-User-Id", "spoofed"))) {
			assertThat(socket.texts()).first().isEqualTo("open null");
		}
	}

	@Test
	void socketWhenTokenExpiresThenClosedWithTokenExpiredAndUpstreamClosedNormally() throws InterruptedException {
		// exp has whole-second precision: this token lives 2 to 3 seconds
		Instant exp = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
		long expMillis = exp.toEpochMilli();
		try (TestSocket socket = open(token().expiresAt(exp).sign())) {
			for (int n = 0; socket.closed() == null && System.currentTimeMillis() < expMillis + 3000; n++) {
				socket.send("tick " + n);
				Thread.sleep(100);
			}
			TestSocket.Closed closed = socket.closed();
			assertThat(closed).as("closed by the gateway").isNotNull();
			assertThat(closed.status().code()).isEqualTo(4401);
			assertThat(closed.status().reasonText()).isEqualTo("token_expired");
			assertThat(closed.atMillis()).as("closed within a second of expiry").isBetween(expMillis, expMillis + 1000);
			long lastEcho = socket.received().stream()
				.filter((received) -> received.text().startsWith("tick"))
				.mapToLong(TestSocket.Received::atMillis)
				.max()
				.orElseThrow();
			assertThat(lastEcho).as("messages flowed until expiry").isGreaterThan(expMillis - 400);
		}
		expectUpstreamClosedNormally();
	}

	@Test
	void socketWhenSessionRevokedThenClosedWithSessionRevokedWithinASecond() {
		String otherSession = token().claim("sid", UUID.randomUUID().toString()).sign();
		try (TestSocket socket = open(token().sign()); TestSocket other = open(otherSession)) {
			long revokedAt = System.currentTimeMillis();
			// as the feed would
			this.revocations.apply(new RevocationEvent(1, RevocationEvent.SESSION, this.sessionId, revokedAt,
					revokedAt + 960_000));
			await().atMost(Duration.ofSeconds(1)).until(() -> socket.closed() != null);
			assertThat(socket.closed().status().code()).isEqualTo(4401);
			assertThat(socket.closed().status().reasonText()).isEqualTo("session_revoked");
			assertThat(socket.closed().atMillis() - revokedAt).isLessThan(1000);
			other.send("still here");
			await().atMost(Duration.ofSeconds(5)).until(() -> other.texts().contains("still here"));
			assertThat(other.closed()).isNull();
		}
		expectUpstreamClosedNormally();
	}

	@Test
	void socketWhenUserLoggedOutEverywhereThroughFeedThenClosedWithSessionRevoked() {
		String otherUser = UUID.randomUUID().toString();
		Instant issued = Instant.now().minusSeconds(2);
		try (TestSocket socket = open(TestTokens.accessToken(key, issued).claim("sub", this.userId)
			.claim("sid", this.sessionId).sign());
				TestSocket other = open(TestTokens.accessToken(key, issued).claim("sub", otherUser).sign())) {
			long revokedAt = System.currentTimeMillis();
			feed.revoke(RevocationEvent.USER, this.userId, revokedAt, revokedAt + 960_000);
			await().atMost(Duration.ofSeconds(1)).until(() -> socket.closed() != null);
			assertThat(socket.closed().status().code()).isEqualTo(4401);
			assertThat(socket.closed().status().reasonText()).isEqualTo("session_revoked");
			assertThat(other.closed()).isNull();
		}
		expectUpstreamClosedNormally();
	}

	@AfterEach
	void nothingLeftTracked() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.sockets.tracked() == 0);
	}

	private void expectUpstreamClosedNormally() {
		await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closeOf(this.sessionId) != null);
		assertThat(upstream.closeOf(this.sessionId)).isEqualTo(WebSocketCloseStatus.NORMAL_CLOSURE);
	}

}
