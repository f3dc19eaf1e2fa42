package dev.portcullis.auth.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.metrics.AuthMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;

import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The advice on its own, in front of a stand-in controller, without a server or the size filter. */
class ProblemAdviceTests {

	private final WebTestClient client = WebTestClient.bindToController(new Echo())
		.controllerAdvice(new ProblemAdvice(new AuthCookies(properties()),
				new Problems(new AuthMetrics(new SimpleMeterRegistry()))))
		.httpMessageCodecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024))
		.build();

	@Test
	void readWhenBodyOverTheCodecLimitThenPayloadTooLarge() {
		this.client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"text\":\"" + "a".repeat(17 * 1024) + "\"}")
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code").isEqualTo("payload_too_large")
			.jsonPath("$.detail").isEqualTo("The request body is too large");
	}

	@Test
	void readWhenBodyWithinTheCodecLimitThenHandled() {
		this.client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"text\":\"hello\"}")
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.text").isEqualTo("hello");
	}

	@Test
	void unexpectedWhenClientLeftBeforeTheAnswerThenRethrownNotLoggedAsServerError() {
		ProblemAdvice advice = new ProblemAdvice(new AuthCookies(properties()),
				new Problems(new AuthMetrics(new SimpleMeterRegistry())));
		AbortedException gone = new AbortedException("Connection has been closed BEFORE send operation");
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/auth/refresh"));
		assertThatThrownBy(() -> advice.unexpected(gone, exchange)).isSameAs(gone);
	}

	@Test
	void unexpectedWhenOtherFailureThenInternalServerErrorProblem() throws Exception {
		ProblemAdvice advice = new ProblemAdvice(new AuthCookies(properties()),
				new Problems(new AuthMetrics(new SimpleMeterRegistry())));
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/auth/refresh"));
		assertThat(advice.unexpected(new IllegalStateException("a bug"), exchange).getStatusCode().value()).isEqualTo(500);
	}

	private static AuthProperties properties() {
		return new AuthProperties("portcullis", "portcullis", "a-test-master-secret-at-least-32-chars", Duration.ofMinutes(15),
				Duration.ofDays(30), Duration.ofDays(7), Duration.ofSeconds(10), List.of("user"),
				new AuthProperties.Cookies("__Host-access_token", "__Secure-refresh_token", "/auth", true, "Lax", "Strict", null),
				null, null, null, null);
	}

	@RestController
	static class Echo {

		@PostMapping("/echo")
		Map<String, Object> echo(@RequestBody Map<String, Object> body) {
			return body;
		}

	}

}
