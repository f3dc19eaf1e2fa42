package dev.portcullis.gateway;

import java.time.Duration;

import dev.portcullis.gateway.app.GatewayApplication;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped application.yml with the key set served by another host than the auth service
 * ({@code PORTCULLIS_JWKS_URI} set, as for a CDN): the feed, and its secret, go to the auth
 * service's own origin ({@code PORTCULLIS_AUTH_URI}) only.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FeedUriIntegrationTests {

	/** The other host: records every Authorization header it is sent. */
	static final FakeJwksServer jwks = new FakeJwksServer(TestKeys.rsa("k1"));

	static final FakeRevocationFeed authService = new FakeRevocationFeed(Duration.ofMillis(200));

	@Autowired
	GatewayProperties properties;

	@DynamicPropertySource
	static void keysOnAnotherHost(DynamicPropertyRegistry registry) {
		registry.add("PORTCULLIS_JWKS_URI", () -> jwks.uri().toString());
		registry.add("PORTCULLIS_AUTH_URI", () -> authService.uri().resolve("/").toString().replaceAll("/$", ""));
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("management.server.port", () -> "0");
	}

	@AfterAll
	static void stop() {
		jwks.close();
		authService.close();
	}

	@Test
	void feedWhenKeysServedByAnotherHostThenSecretSentToTheAuthServiceOnly() {
		assertThat(this.properties.revocation().feedUri()).isEqualTo(authService.uri());
		await().atMost(Duration.ofSeconds(10)).until(() -> jwks.hits() > 0 && authService.openStreams() == 1);
		long now = System.currentTimeMillis();
		authService.revoke(RevocationEvent.SESSION, "0b9e7c3d-5a14-4f28-8d61-e2f4a7c90b13", now, now + 60_000);
		assertThat(authService.requests()).allSatisfy(
				(request) -> assertThat(request.authorization()).isEqualTo("Bearer " + FakeRevocationFeed.SECRET));
		assertThat(jwks.authorizations()).as("the key set's host is never sent the feed secret").isEmpty();
	}

}
