package dev.portcullis.gateway.ratelimit;

import java.time.Duration;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis outages, on a {@code redis-server} this test starts and stops itself: a fail-open and
 * a fail-closed replica on it, and a fail-closed one pointed at a closed port from the start.
 */
class RedisOutageIntegrationTests {

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	static final String token = TestTokens.accessToken(key).claim("sub", UUID.randomUUID().toString()).sign();

	static OwnRedis redis;

	static LimitedGateway open;

	static LimitedGateway closed;

	static LimitedGateway neverConnected;

	@BeforeAll
	static void start() {
		redis = new OwnRedis().start();
		String run = "rl-" + UUID.randomUUID();
		open = LimitedGateway.start(jwks, feed, upstream.uri(), run, redis.port(), "fail-open", 100, 1000).ready(token);
		closed = LimitedGateway.start(jwks, feed, upstream.uri(), run, redis.port(), "fail-closed", 100, 1000)
			.ready(token);
		neverConnected = LimitedGateway
			.start(jwks, feed, upstream.uri(), run, OwnRedis.freePort(), "fail-closed", 100, 1000)
			.ready(token);
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable closeable : new AutoCloseable[] { open, closed, neverConnected, redis, jwks, upstream,
				feed }) {
			if (closeable != null) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	private static EntityExchangeResult<byte[]> get(LimitedGateway gateway) {
		return gateway.client()
			.get()
			.uri("/api/x")
			.cookie("__Host-access_token", token)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void expectLimitedAndPassed(LimitedGateway gateway) {
		EntityExchangeResult<byte[]> result = get(gateway);
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(Integer.parseInt(result.getResponseHeaders().getFirst("X-RateLimit-Remaining"))).isNotNegative();
	}

	private static void expectUnavailable(EntityExchangeResult<byte[]> result) {
		assertThat(result.getStatus().value()).isEqualTo(503);
		assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
		assertThat(new String(result.getResponseBodyContent())).contains("\"code\":\"unavailable\"");
	}

	private static void expectRedisAnswering(LimitedGateway gateway, boolean answering) {
		gateway.management()
			.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.rateLimit.status")
			.isEqualTo("UP")
			.jsonPath("$.components.rateLimit.details.redisAnswering")
			.isEqualTo(answering);
		gateway.management()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.value((text) -> assertThat(text)
				.contains("portcullis_gateway_rate_limit_redis_available " + (answering ? "1.0" : "0.0")));
	}

	@Test
	void requestsWhenRedisStopsThenFollowTheConfiguredModeAndRecoverWhenItReturns() {
		expectLimitedAndPassed(open);
		expectLimitedAndPassed(closed);
		expectRedisAnswering(closed, true);

		redis.stop();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			EntityExchangeResult<byte[]> result = get(open);
			assertThat(result.getStatus().value()).isEqualTo(200);
			assertThat(result.getResponseHeaders().containsHeader("X-RateLimit-Remaining")).isFalse();
		});
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> expectUnavailable(get(closed)));
		expectRedisAnswering(open, false);
		expectRedisAnswering(closed, false);

		redis.start();
		await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> expectLimitedAndPassed(closed));
		await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> expectLimitedAndPassed(open));
		expectRedisAnswering(open, true);
		expectRedisAnswering(closed, true);
	}

	@Test
	void requestsWhenRedisUnreachableSinceStartupAndFailClosedThenUnavailable() {
		expectUnavailable(get(neverConnected));
		expectRedisAnswering(neverConnected, false);
	}

}
