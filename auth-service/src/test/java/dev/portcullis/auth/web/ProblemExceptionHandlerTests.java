package dev.portcullis.auth.web;

import dev.portcullis.auth.metrics.AuthMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemExceptionHandlerTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ProblemExceptionHandler handler = new ProblemExceptionHandler(ServerCodecConfigurer.create(),
			new Problems(new AuthMetrics(this.registry)));

	private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/auth/login"));

	@Test
	void handleWhenBodyTooLargeThenPayloadTooLargeProblemAndConnectionClose() {
		this.handler.handle(this.exchange, new BodyTooLargeException(20_000, 16_384))
			.as(StepVerifier::create)
			.verifyComplete();
		assertThat(this.exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(this.exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.exchange.getResponse().getHeaders().getFirst("Connection")).isEqualTo("close");
		assertThat(this.registry.get("portcullis.auth.errors").tag("code", "payload_too_large").counter().count()).isEqualTo(1);
		this.exchange.getResponse().getBodyAsString().as(StepVerifier::create)
			.assertNext((body) -> assertThat(body).contains("\"code\":\"payload_too_large\"")
				.contains("\"type\":\"https://portcullis.dev/problems/payload_too_large\"")
				.contains("\"status\":413"))
			.verifyComplete();
	}

	@Test
	void handleWhenAnyOtherFailureThenLeavesItToBootsHandler() {
		IllegalStateException failure = new IllegalStateException("boom");
		this.handler.handle(this.exchange, failure).as(StepVerifier::create).verifyErrorMatches((ex) -> ex == failure);
		assertThat(this.exchange.getResponse().getStatusCode()).isNull();
	}

	@Test
	void handleWhenResponseAlreadyCommittedThenLeavesIt() {
		this.exchange.getResponse().setComplete().as(StepVerifier::create).verifyComplete();
		this.handler.handle(this.exchange, new BodyTooLargeException(20_000, 16_384))
			.as(StepVerifier::create)
			.expectError(BodyTooLargeException.class)
			.verify();
	}

}
