package dev.portcullis.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's meters, moved by requests through the real gateway and read from the meter
 * registry and from the management port's Prometheus endpoint. Counters are shared by the
 * whole class, so every test compares before and after its own requests.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class GatewayMetricsIntegrationTests {

	static final String ACCESS = "__Host-access_token";

	static final String DECISIONS = "portcullis.gateway.decisions";

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofMillis(200));

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry registry;

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("portcullis.gateway.jwks.min-refetch-interval", () -> "0s");
		registry.add("management.server.port", () -> "0");
		String auth = "spring.cloud.gateway.server.webflux.routes[0].";
		registry.add(auth + "id", () -> "auth");
		registry.add(auth + "uri", upstream::uri);
		registry.add(auth + "predicates[0]", () -> "Path=/auth/**");
		registry.add(auth + "metadata.public", () -> "true");
		String api = "spring.cloud.gateway.server.webflux.routes[1].";
		registry.add(api + "id", () -> "api");
		registry.add(api + "uri", upstream::uri);
		registry.add(api + "predicates[0]", () -> "Path=/api/**");
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		upstream.close();
		feed.close();
	}

	@BeforeEach
	void keysLoadedAndFeedFollowed() {
		await().atMost(Duration.ofSeconds(10)).until(() -> feed.openStreams() == 1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> get(TestTokens.accessToken(key).sign()).expectStatus().isOk());
	}

	private WebTestClient.ResponseSpec get(String token) {
		return this.client.get().uri("/api/items").cookie(ACCESS, token).exchange();
	}

	/** Every decision counter, by outcome and route. */
	private Map<String, Double> decisions() {
		Map<String, Double> counts = new HashMap<>();
		for (Counter counter : this.registry.find(DECISIONS).counters()) {
			counts.put(counter.getId().getTag("outcome") + "@" + counter.getId().getTag("route"), counter.count());
		}
		return counts;
	}

	/** Runs a request and checks that it moved exactly one decision counter, by one. */
	private void expectOnlyCounted(String outcome, String route, Supplier<WebTestClient.ResponseSpec> request,
			HttpStatus status) {
		Map<String, Double> before = decisions();
		request.get().expectStatus().isEqualTo(status);
		Map<String, Double> after = decisions();
		Map<String, Double> moved = new HashMap<>();
		after.forEach((name, count) -> {
			double delta = count - before.getOrDefault(name, 0.0);
			if (delta != 0) {
				moved.put(name, delta);
			}
		});
		assertThat(moved).isEqualTo(Map.of(outcome + "@" + route, 1.0));
	}

	private double functionCounter(String name, String... tags) {
		return this.registry.get(name).tags(tags).functionCounter().count();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

	private String prometheus(int port) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private static double sample(String text, String series) {
		Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
		assertThat(matcher.find()).as("series %s in%n%s", series, text).isTrue();
		return Double.parseDouble(matcher.group(1));
	}

	@Test
	void requestWhenNoCookieThenOnlyTokenMissingCounted() {
		expectOnlyCounted("token_missing", "api", () -> this.client.get().uri("/api/items").exchange(),
				HttpStatus.UNAUTHORIZED);
	}

	@Test
	void requestWhenExpiredThenOnlyTokenExpiredCounted() {
		String expired = TestTokens.accessToken(key, Instant.now().minusSeconds(3600)).sign();
		expectOnlyCounted("token_expired", "api", () -> get(expired), HttpStatus.UNAUTHORIZED);
	}

	@Test
	void requestWhenMalformedThenOnlyTokenInvalidCounted() {
		expectOnlyCounted("token_invalid", "api", () -> get("not.a.jwt"), HttpStatus.UNAUTHORIZED);
	}

	@Test
	void requestWhenSessionRevokedThenOnlySessionRevokedCountedAndFeedMetersMove() {
		String sessionId = UUID.randomUUID().toString();
		String token = TestTokens.accessToken(key).claim("sid", sessionId).sign();
		get(token).expectStatus().isOk();
		double held = gauge("portcullis.gateway.revocations.held");
		feed.revoke(RevocationEvent.SESSION, sessionId, System.currentTimeMillis(), System.currentTimeMillis() + 960_000);
		await().atMost(Duration.ofSeconds(5)).until(() -> gauge("portcullis.gateway.revocations.held") == held + 1);
		expectOnlyCounted("session_revoked", "api", () -> get(token), HttpStatus.UNAUTHORIZED);
		assertThat(gauge("portcullis.gateway.revocation.feed.lag")).isBetween(0.0, 5.0);
	}

	@Test
	void postWhenNoOriginThenOnlyCsrfRejectedCounted() {
		expectOnlyCounted("csrf_rejected", "api",
				() -> this.client.post().uri("/api/items").cookie(ACCESS, TestTokens.accessToken(key).sign()).exchange(),
				HttpStatus.FORBIDDEN);
	}

	@Test
	void requestWhenPathHasParameterThenOnlyInvalidPathCountedWithoutRoute() {
		expectOnlyCounted("invalid_path", "none", () -> this.client.get().uri("/api/items;x=1").exchange(),
				HttpStatus.BAD_REQUEST);
	}

	@Test
	void requestWhenKeysCannotBeFetchedThenOnlyKeysUnavailableCountedAndFailedFetchCounted() {
		double failed = functionCounter("portcullis.gateway.jwks.fetches", "result", "failed");
		double ok = functionCounter("portcullis.gateway.jwks.fetches", "result", "ok");
		double refetches = functionCounter("portcullis.gateway.jwks.unknown.kid.refetches");
		String unknownKey = TestTokens.accessToken(TestKeys.rsa("k-unpublished")).sign();
		jwks.publishRaw("not a JWK Set");
		try {
			expectOnlyCounted("keys_unavailable", "api", () -> get(unknownKey), HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(functionCounter("portcullis.gateway.jwks.fetches", "result", "failed")).isEqualTo(failed + 1);
			assertThat(functionCounter("portcullis.gateway.jwks.fetches", "result", "ok")).isEqualTo(ok);
			assertThat(functionCounter("portcullis.gateway.jwks.unknown.kid.refetches")).isEqualTo(refetches + 1);
		}
		finally {
			jwks.publish(key);
		}
		// the next unknown key fetches again, and this time the set is read
		get(unknownKey).expectStatus().isUnauthorized();
		assertThat(functionCounter("portcullis.gateway.jwks.fetches", "result", "ok")).isEqualTo(ok + 1);
		assertThat(gauge("portcullis.gateway.jwks.age")).isBetween(0.0, 5.0);
	}

	@Test
	void requestWhenValidTokenThenOnlyAllowedCountedForItsRoute() {
		String token = TestTokens.accessToken(key).sign();
		expectOnlyCounted("allowed", "api", () -> get(token), HttpStatus.OK);
	}

	@Test
	void requestWhenPublicRouteThenOnlyPublicCountedForItsRoute() {
		expectOnlyCounted("public", "auth", () -> this.client.get().uri("/auth/login").exchange(), HttpStatus.OK);
	}

	@Test
	void requestWhenTokenSeenBeforeThenCacheHitElseMissAndVerificationTimed() {
		double hits = functionCounter("cache.gets", "cache", "access-tokens", "result", "hit");
		double misses = functionCounter("cache.gets", "cache", "access-tokens", "result", "miss");
		long verifications = this.registry.get("portcullis.gateway.token.verification").timer().count();
		String token = TestTokens.accessToken(key).sign();
		get(token).expectStatus().isOk();
		assertThat(functionCounter("cache.gets", "cache", "access-tokens", "result", "miss")).isEqualTo(misses + 1);
		assertThat(functionCounter("cache.gets", "cache", "access-tokens", "result", "hit")).isEqualTo(hits);
		assertThat(this.registry.get("portcullis.gateway.token.verification").timer().count())
			.isEqualTo(verifications + 1);
		get(token).expectStatus().isOk();
		assertThat(functionCounter("cache.gets", "cache", "access-tokens", "result", "hit")).isEqualTo(hits + 1);
		assertThat(functionCounter("cache.gets", "cache", "access-tokens", "result", "miss")).isEqualTo(misses + 1);
		assertThat(this.registry.get("portcullis.gateway.token.verification").timer().count())
			.isEqualTo(verifications + 1);
		assertThat(this.registry.get("cache.size").tags("cache", "access-tokens").gauge().value()).isPositive();
		double maxWeight = gauge("portcullis.gateway.token.cache.max.weight");
		assertThat(maxWeight).isEqualTo(Runtime.getRuntime().maxMemory() / 8);
		assertThat(gauge("portcullis.gateway.token.cache.weight")).isPositive().isLessThanOrEqualTo(maxWeight);
	}

	@Test
	void feedWhenFollowedThenConnectedGaugeIsOne() {
		assertThat(gauge("portcullis.gateway.revocation.feed.connected")).isEqualTo(1.0);
		assertThat(gauge("portcullis.gateway.revocation.feed.silence")).isBetween(0.0, 5.0);
	}

	@Test
	void prometheusWhenManagementPortThenGatewayMetersAsText() {
		this.client.get().uri("/api/items").exchange().expectStatus().isUnauthorized();
		String text = prometheus(this.managementPort);
		double missing = this.registry.get(DECISIONS).tags("outcome", "token_missing", "route", "api").counter().count();
		assertThat(missing).isPositive();
		assertThat(sample(text, "portcullis_gateway_decisions_total{outcome=\"token_missing\",route=\"api\"}"))
			.isEqualTo(missing);
		assertThat(sample(text, "portcullis_gateway_decisions_total{outcome=\"invalid_path\",route=\"none\"}"))
			.isGreaterThanOrEqualTo(0);
		assertThat(sample(text, "portcullis_gateway_revocation_feed_connected")).isEqualTo(1.0);
		assertThat(sample(text, "portcullis_gateway_jwks_fetches_total{result=\"ok\"}")).isPositive();
		assertThat(text).contains("portcullis_gateway_jwks_age_seconds ", "portcullis_gateway_jwks_fetches_total{result=\"failed\"} ",
				"portcullis_gateway_jwks_unknown_kid_refetches_total ", "portcullis_gateway_token_verification_seconds_count ",
				"portcullis_gateway_revocation_feed_silence_seconds ", "portcullis_gateway_revocation_feed_lag_seconds ",
				"portcullis_gateway_revocations_held ", "cache_gets_total{cache=\"access-tokens\",result=\"hit\"} ",
				"cache_gets_total{cache=\"access-tokens\",result=\"miss\"} ", "cache_size{cache=\"access-tokens\"} ",
				"cache_evictions_total{cache=\"access-tokens\"} ", "portcullis_gateway_token_cache_weight_bytes ",
				"portcullis_gateway_token_cache_max_weight_bytes ", "portcullis_gateway_revocations_dropped_total 0.0",
				"portcullis_gateway_revocations_refused_issued_before_seconds 0.0");
		// tags from small fixed sets only: nothing a client sent
		assertThat(text).doesNotContain(TestTokens.USER_ID, TestTokens.SESSION_ID, "/api/items");
	}

	@Test
	void prometheusWhenProxyPortThenNotFound() {
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
	}

}
