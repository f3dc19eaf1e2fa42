package dev.portcullis.gateway;

import java.time.Duration;
import java.util.UUID;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
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
import static org.awaitility.Awaitility.await;

/**
 * Revocations from the feed, enforced by the running gateway on tokens it has already
 * verified and cached. Each test uses its own user and session, since the denylist is shared.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class RevocationIntegrationTests {

	static final String ACCESS = "__Host-access_token";

	static final String APP_ORIGIN = "https://app.example.com";

	static final String KEY_WITHDRAWN_DETAIL = "The access token's signing key was withdrawn; refresh to get a new one";

	static final RSAKey key = TestKeys.rsa("k1");

	static final RSAKey withdrawn = TestKeys.rsa("k-withdrawn");

	static final FakeJwksServer jwks = new FakeJwksServer(key, withdrawn);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofMillis(200));

	@Autowired
	WebTestClient client;

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("portcullis.gateway.cors.allowed-origins", () -> APP_ORIGIN);
		registry.add("management.server.port", () -> "0");
		// every unknown kid fetches the JWK Set again at once: the withdrawn-key test drops a key from it
		registry.add("portcullis.gateway.jwks.min-refetch-interval", () -> "0s");
		registry.add("management.endpoint.health.show-details", () -> "always");
		registry.add("management.endpoint.health.show-components", () -> "always");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].id", () -> "api");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].uri", upstream::uri);
		registry.add("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", () -> "Path=/api/**");
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
	void feedFollowed() {
		await().atMost(Duration.ofSeconds(10)).until(() -> feed.openStreams() == 1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> get(TestTokens.accessToken(key).sign()).expectStatus().isOk());
	}

	private TestTokens.Builder token(RSAKey signer) {
		return TestTokens.accessToken(signer).claim("sub", this.userId).claim("sid", this.sessionId);
	}

	private WebTestClient.ResponseSpec get(String token) {
		return this.client.get().uri("/api/items").cookie(ACCESS, token).header(HttpHeaders.ORIGIN, APP_ORIGIN).exchange();
	}

	private static long now() {
		return System.currentTimeMillis();
	}

	private void revoke(String kind, String subject) {
		feed.revoke(kind, subject, now(), now() + 960_000);
	}

	/** Waits until the revocation applies, then checks the whole 401 answer. */
	private void expectRevoked(String token) {
		expectRefused(token, "session_revoked", "The session has ended");
	}

	private void expectRefused(String token, String code, String detail) {
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(20))
			.untilAsserted(() -> get(token).expectStatus().isUnauthorized());
		get(token).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer error=\"invalid_token\", error_description=\"" + detail + "\"")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, APP_ORIGIN)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo(code)
			.jsonPath("$.type")
			.isEqualTo("https://portcullis.dev/problems/" + code)
			.jsonPath("$.status")
			.isEqualTo(401);
	}

	@Test
	void requestWhenCachedTokenAndSessionRevokedThenSessionRevoked() {
		String token = token(key).sign();
		String otherSession = token(key).claim("sid", UUID.randomUUID().toString()).sign();
		get(token).expectStatus().isOk();
		get(otherSession).expectStatus().isOk();
		revoke(RevocationEvent.SESSION, this.sessionId);
		expectRevoked(token);
		get(otherSession).expectStatus().isOk();
	}

	@Test
	void requestWhenTokenIssuedBeforeUserNotBeforeThenSessionRevoked() {
		String token = token(key).sign();
		String otherUser = token(key).claim("sub", UUID.randomUUID().toString()).sign();
		get(token).expectStatus().isOk();
		revoke(RevocationEvent.USER, this.userId);
		expectRevoked(token);
		get(otherUser).expectStatus().isOk();
	}

	/** The session is intact: the client is told to refresh (and get a token of another key), not to log in. */
	@Test
	void requestWhenTokenSignedByWithdrawnKeyThenKeyWithdrawn() {
		String token = token(withdrawn).sign();
		String byCurrentKey = token(key).sign();
		get(token).expectStatus().isOk();
		revoke(RevocationEvent.KEY, withdrawn.getKeyID());
		expectRefused(token, "key_withdrawn", KEY_WITHDRAWN_DETAIL);
		get(byCurrentKey).expectStatus().isOk();
	}

	/** Once the JWK Set no longer has the key, its tokens do not verify, and are still not a logout. */
	@Test
	void requestWhenWithdrawnKeyLeftTheJwkSetThenStillKeyWithdrawnAndOtherUnknownKeysInvalid() {
		RSAKey gone = TestKeys.rsa("k-gone");
		jwks.publish(key, withdrawn, gone);
		String token = token(gone).sign();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> get(token).expectStatus().isOk());
		revoke(RevocationEvent.KEY, gone.getKeyID());
		expectRefused(token, "key_withdrawn", KEY_WITHDRAWN_DETAIL);
		try {
			jwks.publish(key, withdrawn);
			// a kid nobody published makes the gateway fetch the set again: "k-gone" is no longer in it
			get(token(TestKeys.rsa("k-never")).sign()).expectStatus().isUnauthorized()
				.expectBody().jsonPath("$.code").isEqualTo("token_invalid");

			get(token).expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("key_withdrawn");
			get(token(gone).claim("sid", UUID.randomUUID().toString()).sign()).expectStatus().isUnauthorized()
				.expectBody().jsonPath("$.code").isEqualTo("key_withdrawn");
		}
		finally {
			jwks.publish(key, withdrawn);
		}
	}

	@Test
	void readinessWhenFeedFollowedThenReportsItUp() {
		WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.revocationFeed.status")
			.isEqualTo("UP")
			.jsonPath("$.components.revocationFeed.details.connected")
			.isEqualTo(true)
			.jsonPath("$.components.revocationFeed.details.stale")
			.isEqualTo(false);
		assertThat(feed.requests()).allSatisfy(
				(request) -> assertThat(request.authorization()).isEqualTo("Bearer " + FakeRevocationFeed.SECRET));
	}

}
