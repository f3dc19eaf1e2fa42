package dev.portcullis.gateway.web;

import java.net.URI;
import java.util.List;

import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.testing.WebHandlerClients;
import dev.portcullis.testsupport.PathTricks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

class PathGuardFilterTests {

	private final WebTestClient client = WebHandlerClients.client((exchange) -> {
		exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
		return Mono.empty();
	}, new ProblemExceptionHandler(DecisionMeter.off()), new PathGuardFilter());

	static List<String> pathTricks() {
		return PathTricks.under("/api");
	}

	@ParameterizedTest
	@MethodSource("pathTricks")
	void filterWhenPathCouldBeReadDifferentlyBehindThenBadRequest(String path) {
		this.client.get()
			.uri(URI.create(path))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("invalid_path");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/%zz", "/api/%2", "/api/%" })
	void isPlainWhenEscapeMalformedThenFalse(String rawPath) {
		assertThat(PathGuardFilter.isPlain(rawPath)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/api/orders", "/api/orders/a.b", "/api/..x/y", "/api/x../y", "/api/.well/x",
			"/api/caf%C3%A9", "/api/a%20b", "/api/100%25" })
	void filterWhenPlainPathThenPasses(String path) {
		this.client.get().uri(URI.create(path)).exchange().expectStatus().isNoContent();
		assertThat(PathGuardFilter.isPlain(path)).isTrue();
	}

}
