package dev.portcullis.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.gateway.app.GatewayApplication;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * W3C trace context through the gateway: with tracing on, the upstream (here the public auth route's
 * stand-in) sees the caller's trace or one the gateway started; with tracing off, the default, the
 * gateway adds nothing.
 */
class TracingIntegrationTests {

	static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

	static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final String CALLER_TRACEPARENT = "00-" + CALLER_TRACE + "-00f067aa0ba902b7-01";

	static final int deadPort = closedPort();

	static final EchoUpstream authService = new EchoUpstream();

	static void gatewayBeforeAuthService(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> "http://127.0.0.1:" + deadPort + "/.well-known/jwks.json");
		registry.add("portcullis.gateway.revocation.feed-uri", () -> "http://127.0.0.1:" + deadPort + "/internal/revocations");
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("PORTCULLIS_AUTH_URI", authService::uri);
		registry.add("management.server.port", () -> "0");
	}

	@AfterAll
	static void stopAuthService() {
		authService.close();
	}

	@SuppressWarnings("unchecked")
	static List<String> upstreamHeader(WebTestClient client, String name, String traceparent) {
		WebTestClient.RequestHeadersSpec<?> request = client.get().uri("/auth/ping");
		if (traceparent != null) {
			request = request.header("traceparent", traceparent);
		}
		Map<String, Object> echo = request.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(echo).isNotNull();
		return ((Map<String, List<String>>) echo.get("headers")).getOrDefault(name, List.of());
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Nested
	@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "portcullis.tracing.enabled=true", "PORTCULLIS_TRACING_SAMPLING=1.0" })
	@AutoConfigureWebTestClient
	class TracingOn {

		@Autowired
		WebTestClient client;

		@Autowired
		Environment environment;

		@DynamicPropertySource
		static void properties(DynamicPropertyRegistry registry) {
			gatewayBeforeAuthService(registry);
		}

		@Test
		void requestWhenTraceparentThenUpstreamContinuesTheSameTrace() {
			List<String> received = upstreamHeader(this.client, "traceparent", CALLER_TRACEPARENT);
			assertThat(received).hasSize(1);
			Matcher traceparent = TRACEPARENT.matcher(received.get(0));
			assertThat(traceparent.matches()).as(received.get(0)).isTrue();
			assertThat(traceparent.group(1)).isEqualTo(CALLER_TRACE);
			// a child span of the gateway's, not the caller's span id passed through
			assertThat(traceparent.group(2)).isNotEqualTo("00f067aa0ba902b7");
		}

		@Test
		void requestWhenNoTraceparentThenGatewayStartsATraceTheUpstreamContinues() {
			List<String> first = upstreamHeader(this.client, "traceparent", null);
			List<String> second = upstreamHeader(this.client, "traceparent", null);
			assertThat(first).singleElement().satisfies((value) -> assertThat(value).matches(TRACEPARENT));
			assertThat(second).singleElement().satisfies((value) -> assertThat(value).matches(TRACEPARENT));
			assertThat(first.get(0).substring(3, 35)).as("one trace per request")
				.isNotEqualTo(second.get(0).substring(3, 35));
		}

		@Test
		void startWhenTracingOnThenLogLinesCarryTheTraceId() {
			assertThat(this.environment.getProperty("logging.expect-correlation-id", Boolean.class)).isTrue();
			assertThat(this.environment.getProperty("management.tracing.export.enabled", Boolean.class)).isTrue();
		}

	}

	@Nested
	@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	@AutoConfigureWebTestClient
	class TracingOffByDefault {

		@Autowired
		WebTestClient client;

		@Autowired
		Environment environment;

		@DynamicPropertySource
		static void properties(DynamicPropertyRegistry registry) {
			gatewayBeforeAuthService(registry);
		}

		@Test
		void requestWhenNoEndpointConfiguredThenNoTraceparentAdded() {
			assertThat(upstreamHeader(this.client, "traceparent", null)).isEmpty();
			assertThat(this.environment.getProperty("spring.cloud.gateway.server.webflux.observability.enabled",
					Boolean.class))
				.isFalse();
			assertThat(this.environment.getProperty("management.observations.enable.http.server.requests",
					Boolean.class))
				.isFalse();
		}

		@Test
		void requestWhenCallerSendsTraceparentThenPassedThroughUntouched() {
			assertThat(upstreamHeader(this.client, "traceparent", CALLER_TRACEPARENT))
				.containsExactly(CALLER_TRACEPARENT);
		}

	}

}
