package dev.portcullis.gateway.web;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.testing.WebHandlerClients;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.server.ResponseStatusException;

class ProblemExceptionHandlerTests {

	private static WebTestClient failingWith(Throwable error) {
		return WebHandlerClients.client((exchange) -> Mono.error(error), new ProblemExceptionHandler(DecisionMeter.off()));
	}

	@Test
	void handleWhenConnectRefusedThenBadGatewayProblem() {
		failingWith(new IllegalStateException("wrapped", new ConnectException("Connection refused"))).get()
			.uri("/api/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("bad_gateway")
			.jsonPath("$.status")
			.isEqualTo(502)
			.jsonPath("$.title")
			.isEqualTo("Bad Gateway")
			.jsonPath("$.type")
			.isEqualTo("https://portcullis.dev/problems/bad_gateway");
	}

	@Test
	void handleWhenGatewayResponseTimeoutThenGatewayTimeoutProblem() {
		failingWith(new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT, "Response took longer than 1s",
				new TimeoutException()))
			.get()
			.uri("/api/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("gateway_timeout");
	}

	@Test
	void handleWhenDetailHasQuotesThenJsonStaysValid() {
		failingWith(new GatewayException("csrf_rejected", "say \"no\"\n") {
		}).post()
			.uri("/api/x")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("say \"no\"\n");
	}

	@Test
	void handleWhenRefusalSaysRetryAfterThenRetryAfterHeaderInSeconds() {
		failingWith(new GatewayException("too_many_sockets", "Too many open WebSockets for this user",
				Duration.ofSeconds(5)) {
		}).get()
			.uri("/api/ws")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "5")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("too_many_sockets");
	}

	@Test
	void handleWhenRefusalSaysNoRetryAfterThenNoRetryAfterHeader() {
		failingWith(new GatewayException("csrf_rejected", "not from here") {
		}).get()
			.uri("/api/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.FORBIDDEN)
			.expectHeader()
			.doesNotExist(HttpHeaders.RETRY_AFTER);
	}

	@Test
	void handleWhenServiceUnavailableRefusalSaysNoRetryAfterThenOneSecond() {
		failingWith(new GatewayException("sockets_exhausted", "full") {
		}).get()
			.uri("/api/ws")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "1");
	}

	@Test
	void handleWhenRateLimiterRefusedThenTooManyRequestsProblem() {
		failingWith(HttpClientErrorException.create(HttpStatus.TOO_MANY_REQUESTS, "Too Many Requests", new HttpHeaders(),
				null, null))
			.get()
			.uri("/api/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("rate_limited");
	}

	@Test
	void handleWhenUnrelatedErrorThenLeftToDefaultHandling() {
		failingWith(new IllegalArgumentException("bug")).get()
			.uri("/api/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
	}

}
