package dev.portcullis.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway replicas against the machine's Redis (127.0.0.1:6379): one budget per user
 * whichever replica a request lands on, answered in our contract. Route ids carry a fresh
 * suffix, so this run's buckets are its own.
 */
class RedisRateLimitIntegrationTests {

	static final String ACCESS = "__Host-access_token";

	/** A bucket of 6 that refills one token a second. */
	static final int BURST = 6;

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	static LimitedGateway first;

	static LimitedGateway second;

	@BeforeAll
	static void startReplicas() {
		String run = "rl-" + UUID.randomUUID();
		String warmup = tokenOf(UUID.randomUUID().toString());
		first = LimitedGateway.start(jwks, feed, upstream.uri(), run, 6379, "fail-open", 1, BURST).ready(warmup);
		second = LimitedGateway.start(jwks, feed, upstream.uri(), run, 6379, "fail-open", 1, BURST).ready(warmup);
	}

	@AfterAll
	static void stop() {
		if (first != null) {
			first.close();
		}
		if (second != null) {
			second.close();
		}
		jwks.close();
		upstream.close();
		feed.close();
	}

	private static String tokenOf(String user) {
		return TestTokens.accessToken(key).claim("sub", user).sign();
	}

	private static EntityExchangeResult<byte[]> get(LimitedGateway gateway, String path, String token) {
		WebTestClient.RequestHeadersSpec<?> request = gateway.client().get().uri(path);
		if (token != null) {
			request = request.cookie(ACCESS, token);
		}
		return request.header(HttpHeaders.ORIGIN, "https://app.example.com").exchange().expectBody().returnResult();
	}

	@Test
	void requestsWhenOneUserExceedsTheLimitAcrossReplicasThenRateLimitedWhileAnotherUserPasses() {
		String greedy = tokenOf(UUID.randomUUID().toString());
		String modest = tokenOf(UUID.randomUUID().toString());
		List<HttpStatus> greedyStatuses = new ArrayList<>();
		List<HttpStatus> modestStatuses = new ArrayList<>();
		EntityExchangeResult<byte[]> refused = null;
		long started = System.nanoTime();
		for (int i = 0; i < 3 * BURST; i++) {
			LimitedGateway replica = (i % 2 == 0) ? first : second;
			EntityExchangeResult<byte[]> result = get(replica, "/api/x", greedy);
			greedyStatuses.add(HttpStatus.valueOf(result.getStatus().value()));
			if (result.getStatus().value() == 429 && refused == null) {
				refused = result;
			}
			if (i % 3 == 0) {
				// the other user, at the same time, well inside the budget, on the other replica
				EntityExchangeResult<byte[]> other = get((i % 2 == 0) ? second : first, "/api/x", modest);
				modestStatuses.add(HttpStatus.valueOf(other.getStatus().value()));
			}
		}
		long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
		assertThat(greedyStatuses).containsOnly(HttpStatus.OK, HttpStatus.TOO_MANY_REQUESTS);
		// one bucket for both replicas: never more than it holds plus what refilled meanwhile
		assertThat(greedyStatuses.stream().filter(HttpStatus.OK::equals).count()).isBetween((long) BURST,
				BURST + seconds + 1);
		assertThat(modestStatuses).hasSize(BURST).containsOnly(HttpStatus.OK);
		assertThat(refused).isNotNull();
		HttpHeaders headers = refused.getResponseHeaders();
		assertThat(headers.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(new String(refused.getResponseBodyContent())).contains("\"code\":\"rate_limited\"")
			.contains("\"status\":429");
		assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(headers.getFirst("X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(headers.getFirst("X-RateLimit-Burst-Capacity")).isEqualTo(Integer.toString(BURST));
		assertThat(headers.getFirst("X-RateLimit-Replenish-Rate")).isEqualTo("1");
		// CORS like every other answer of the gateway: a page can read the code and the wait
		assertThat(headers.getAccessControlAllowOrigin()).isEqualTo("https://app.example.com");
		assertThat(headers.getAccessControlExposeHeaders()).contains(HttpHeaders.RETRY_AFTER, "X-RateLimit-Remaining");
	}

	@Test
	void requestsWhenBucketEmptiedThenRefillsAtTheConfiguredRate() {
		String user = tokenOf(UUID.randomUUID().toString());
		int passed = 0;
		for (int i = 0; i < 2 * BURST && get(first, "/api/x", user).getStatus().value() == 200; i++) {
			passed++;
		}
		assertThat(passed).isBetween(BURST, BURST + 1);
		assertThat(get(second, "/api/x", user).getStatus().value()).isEqualTo(429);
		// one token a second: a request passes again within about a second, on either replica (no
		// lower bound: Spring Cloud Gateway's script counts time in whole seconds of Redis's clock,
		// so the first token can come back any time within the second)
		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(get(second, "/api/x", user).getStatus().value()).isEqualTo(200));
		// and only one: the next is refused again
		assertThat(get(first, "/api/x", user).getStatus().value()).isEqualTo(429);
	}

	@Test
	void requestsWhenPublicRouteThenLimitedPerClientAddress() {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 2 * BURST; i++) {
			// different users' cookies change nothing on a public route: the key is the address
			statuses.add(get((i % 2 == 0) ? first : second, "/open/x", tokenOf(UUID.randomUUID().toString())).getStatus().value());
		}
		assertThat(statuses.subList(0, BURST)).containsOnly(200);
		assertThat(statuses).contains(429);
	}

	@Test
	void readinessWhenRedisAnswersThenDetailsSaySo() {
		get(first, "/api/x", tokenOf(UUID.randomUUID().toString()));
		first.management()
			.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.rateLimit.status")
			.isEqualTo("UP")
			.jsonPath("$.components.rateLimit.details.redisAnswering")
			.isEqualTo(true)
			.jsonPath("$.components.rateLimit.details.whenRedisDown")
			.isEqualTo("fail-open");
	}

}
