package dev.portcullis.gateway.server;

import java.io.IOException;
import java.time.Duration;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.testsupport.RawHttpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits as the application wires them: on the public port only, so a flood that fills
 * the public port's connection slots leaves the management port (health probes) answering.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServerLimitsIntegrationTests {

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	@Value("${local.server.port}")
	int port;

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("management.server.port", () -> "0");
		registry.add("portcullis.server.max-connections", () -> "2");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].id", () -> "public");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].uri", upstream::uri);
		registry.add("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", () -> "Path=/pub/**");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].metadata.public", () -> "true");
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		upstream.close();
		feed.close();
	}

	@Test
	void managementPortWhenPublicPortAtItsCapThenStillAnswers() throws IOException {
		String get = "GET /pub/items HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
		try (RawHttpConnection first = new RawHttpConnection(this.port, Duration.ofSeconds(5));
				RawHttpConnection second = new RawHttpConnection(this.port, Duration.ofSeconds(5))) {
			first.send(get);
			second.send(get);
			assertThat(first.readStatus()).isEqualTo(200);
			assertThat(second.readStatus()).isEqualTo(200);
			try (RawHttpConnection third = new RawHttpConnection(this.port, Duration.ofSeconds(5))) {
				assertThat(third.closedByServer()).as("the public port past its cap").isTrue();
			}
			for (int i = 0; i < 3; i++) {
				try (RawHttpConnection probe = new RawHttpConnection(this.managementPort, Duration.ofSeconds(5))) {
					probe.send("GET /actuator/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
					assertThat(probe.readStatus()).as("the management port").isEqualTo(200);
				}
			}
		}
	}

}
