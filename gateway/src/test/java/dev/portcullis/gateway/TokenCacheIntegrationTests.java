package dev.portcullis.gateway;

import java.time.Duration;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The verified-token cache's bound through the running gateway: distinct valid tokens, each
 * presented once over HTTP, push the cache well past a small configured
 * {@code token-cache.max-weight}; its weight gauge comes back within the bound, and a regular
 * user's requests keep answering 200 throughout. The same at 200 000 tokens on the shipped heap
 * is {@code TokenCacheFloodTests}.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class TokenCacheIntegrationTests {

	static final String ACCESS = "__Host-access_token";

	static final long MAX_WEIGHT = 128 * 1024;

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofMillis(200));

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry registry;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("portcullis.gateway.token-cache.max-weight", () -> MAX_WEIGHT + "B");
		registry.add("management.server.port", () -> "0");
		String api = "spring.cloud.gateway.server.webflux.routes[0].";
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

	@Test
	void requestWhenDistinctTokensOutweighCacheThenWeightWithinBoundAndRegularUserServed() {
		String regular = TestTokens.accessToken(key).sign();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> get(regular).expectStatus().isOk());
		// ~1.2 KB each: 500 tokens are more than four times the bound
		for (int i = 1; i <= 500; i++) {
			get(TestTokens.accessToken(key).sign()).expectStatus().isOk();
			if (i % 50 == 0) {
				get(regular).expectStatus().isOk();
			}
		}
		assertThat(gauge("portcullis.gateway.token.cache.max.weight")).isEqualTo(MAX_WEIGHT);
		// Caffeine evicts on its maintenance pass, just after the writes
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(gauge("portcullis.gateway.token.cache.weight")).isPositive()
				.isLessThanOrEqualTo(MAX_WEIGHT));
		assertThat(this.registry.get("cache.evictions").tags("cache", "access-tokens").functionCounter().count())
			.isGreaterThan(250);
	}

	private WebTestClient.ResponseSpec get(String token) {
		// a shared machine can be slow; the bound, not the latency, is what this test is about
		return this.client.mutate()
			.responseTimeout(Duration.ofSeconds(30))
			.build()
			.get()
			.uri("/api/items")
			.cookie(ACCESS, token)
			.exchange();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

}
