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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code portcullis.gateway.metrics.enabled=false}: the gateway works as before and registers
 * none of its own meters; the Prometheus endpoint still serves the platform's.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class GatewayMetricsDisabledIntegrationTests {

	static final String ACCESS = "__Host-access_token";

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry registry;

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.metrics.enabled", () -> "false");
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("management.server.port", () -> "0");
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

	@Test
	void metricsDisabledWhenRequestsDecidedThenNoGatewayMeterRegistered() {
		String token = TestTokens.accessToken(key).sign();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> this.client.get().uri("/api/items").cookie(ACCESS, token).exchange().expectStatus().isOk());
		this.client.get().uri("/api/items").cookie(ACCESS, token).exchange().expectStatus().isOk();
		this.client.get().uri("/api/items").exchange().expectStatus().isUnauthorized();
		assertThat(this.registry.getMeters()).isNotEmpty()
			.noneMatch((meter) -> meter.getId().getName().startsWith("portcullis."))
			.noneMatch((meter) -> "access-tokens".equals(meter.getId().getTag("cache")));
		String text = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(text).contains("jvm_").doesNotContain("portcullis_", "access-tokens");
	}

}
