package dev.portcullis.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.route.RoutePolicy;
import dev.portcullis.contract.revocation.RevocationFeed;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import dev.portcullis.testsupport.ListeningSockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped application.yml, with the auth service unreachable from the start.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class GatewayDefaultsIntegrationTests {

	static final int deadPort = closedPort();

	/** Stands in for the auth service behind the shipped routes; the JWKS and feed stay unreachable. */
	static final EchoUpstream authService = new EchoUpstream();

	@Autowired
	WebTestClient client;

	@Autowired
	GatewayProperties gateway;

	@Value("${local.management.port}")
	int managementPort;

	@DynamicPropertySource
	static void unreachableAuthService(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> "http://127.0.0.1:" + deadPort + "/.well-known/jwks.json");
		registry.add("portcullis.gateway.revocation.feed-uri", () -> "http://127.0.0.1:" + deadPort + "/internal/revocations");
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("PORTCULLIS_AUTH_URI", authService::uri);
		// display only, so the readiness answer shows which component holds it back
		registry.add("management.endpoint.health.show-components", () -> "always");
		registry.add("management.server.port", () -> "0");
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stopAuthService() {
		authService.close();
	}

	private RouteDefinition route(String id) {
		return this.gateway.getRoutes()
			.stream()
			.filter((route) -> route.getId().equals(id))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no route " + id));
	}

	/** As {@code ss -ltn} shows it: tests move the port, the address is the shipped one. */
	@Test
	void managementPortWhenShippedSettingsThenListensOnLoopbackOnly() throws IOException {
		Assumptions.assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this system");
		assertThat(ListeningSockets.addressesOf(this.managementPort)).isNotEmpty()
			.allSatisfy((address) -> assertThat(address.isLoopbackAddress()).as(address.toString()).isTrue());
	}

	@Test
	void routesWhenDefaultConfigurationThenAuthPublicAndSampleProtected() {
		assertThat(route("auth").getMetadata()).containsEntry(RoutePolicy.PUBLIC, true)
			.containsEntry(RoutePolicy.FORWARD_AUTH_COOKIES, true);
		assertThat(route("sample").getMetadata()).doesNotContainKey(RoutePolicy.PUBLIC);
		assertThat(route("sample").getFilters()).anySatisfy((filter) -> assertThat(filter.getName()).isEqualTo("StripPrefix"));
	}

	@Test
	void requestWhenNoCookieOnSampleRouteThenTokenMissing() {
		this.client.get()
			.uri("/api/anything")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("token_missing");
	}

	@Test
	void requestWhenKeysNeverLoadedThenUnavailableNotUnauthorized() {
		RSAKey key = TestKeys.rsa("k1");
		this.client.get()
			.uri("/api/anything")
			.cookie("__Host-access_token", TestTokens.accessToken(key).sign())
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.valueEquals("Retry-After", "1")
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("unavailable");
	}

	@Test
	void postWhenCurlWithoutOriginToLoginThenCsrfRejected() {
		this.client.post()
			.uri("/auth/login")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("csrf_rejected");
	}

	@Test
	void healthWhenNoKeysEverLoadedThenLiveButNotReady() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(5))
			.build();
		management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		management.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
	}

	@LocalServerPort
	private int port;

	@Test
	void requestWhenRevocationFeedPathThenNotRoutedToAuthService() {
		// the auth route is live: a request under it reaches the stand-in
		this.client.get().uri("/auth/ping").exchange().expectStatus().isOk();
		this.client.get().uri(RevocationFeed.PATH + "?after=0").exchange().expectStatus().isNotFound();
		this.client.get()
			.uri(RevocationFeed.PATH + "?after=0")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + FakeRevocationFeed.SECRET)
			.header(HttpHeaders.ACCEPT, "text/event-stream")
			.exchange()
			.expectStatus()
			.isNotFound();
		// dot segments under the auth route would reach it on a server that normalises paths
		for (String sneaky : new String[] { "/auth/../internal/revocations", "/auth/%2e%2e/internal/revocations",
				"/.well-known/%2E%2E/internal/revocations", "/auth/..%2finternal/revocations" }) {
			this.client.get()
				.uri(URI.create("http://127.0.0.1:" + this.port + sneaky))
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + FakeRevocationFeed.SECRET)
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.code")
				.isEqualTo("invalid_path");
		}
		assertThat(authService.paths()).containsExactly("/auth/ping");
	}

	@Test
	void readinessWhenFeedUnreachableThenFeedUpAndOnlyKeysHoldItBack() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(5))
			.build();
		management.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectBody()
			.jsonPath("$.components.revocationFeed.status")
			.isEqualTo("UP")
			.jsonPath("$.components.signingKeys.status")
			.isEqualTo("OUT_OF_SERVICE");
	}

}
