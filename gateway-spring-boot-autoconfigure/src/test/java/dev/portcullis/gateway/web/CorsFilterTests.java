package dev.portcullis.gateway.web;

import java.util.List;

import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.security.TokenRejectedException;
import dev.portcullis.gateway.testing.WebHandlerClients;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

class CorsFilterTests {

	private final WebTestClient client = WebHandlerClients.client(
			(exchange) -> Mono.error(TokenRejectedException.revoked()), new ProblemExceptionHandler(DecisionMeter.off()),
			new CorsFilter(List.of("https://app.example.com"), List.of("GET", "POST"), 600));

	@Test
	void filterWhenAllowedOriginGetsErrorThenErrorCarriesCorsHeaders() {
		this.client.get()
			.uri("/api/x")
			.header("Origin", "https://app.example.com")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example.com")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
			.expectHeader()
			.valueEquals(HttpHeaders.VARY, "Origin")
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("session_revoked");
	}

	@Test
	void filterWhenOtherOriginThenNoCorsHeaders() {
		this.client.get()
			.uri("/api/x")
			.header("Origin", "https://evil.example")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS);
	}

	@Test
	void filterWhenPreflightFromAllowedOriginThenAnswersWithCredentialsAllowed() {
		this.client.options()
			.uri("/api/x")
			.header("Origin", "https://app.example.com")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
			.exchange()
			.expectStatus()
			.isNoContent()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example.com")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "content-type")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600");
	}

	@Test
	void filterWhenPreflightFromOtherOriginThenForbidden() {
		this.client.options()
			.uri("/api/x")
			.header("Origin", "https://evil.example")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
	}

	/** A handler standing in for the proxied upstream, answering with wide-open CORS headers. */
	private final WebTestClient carelessUpstream = WebHandlerClients.client((exchange) -> {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
		headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
		headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "*");
		headers.set(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Internal");
		return exchange.getResponse().setComplete();
	}, new ProblemExceptionHandler(DecisionMeter.off()), new CorsFilter(List.of("https://app.example.com"), List.of("GET", "POST"), 600));

	@Test
	void filterWhenOtherOriginAndUpstreamSendsCorsHeadersThenAllRemoved() {
		this.carelessUpstream.get()
			.uri("/api/x")
			.header("Origin", "https://evil.example")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS)
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS)
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS);
	}

	@Test
	void filterWhenAllowedOriginAndUpstreamSendsCorsHeadersThenOnlyTheGatewaysAnswer() {
		this.carelessUpstream.get()
			.uri("/api/x")
			.header("Origin", "https://app.example.com")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://app.example.com")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS,
					"WWW-Authenticate, Retry-After, X-RateLimit-Remaining, X-RateLimit-Replenish-Rate, X-RateLimit-Burst-Capacity")
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS);
	}

	@Test
	void filterWhenNoOriginThenResponseUntouched() {
		this.carelessUpstream.get()
			.uri("/api/x")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
	}

}
