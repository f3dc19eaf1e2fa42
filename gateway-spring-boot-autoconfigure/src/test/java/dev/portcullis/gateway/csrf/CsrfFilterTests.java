package dev.portcullis.gateway.csrf;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class CsrfFilterTests {

	private final AtomicBoolean passed = new AtomicBoolean();

	private final GatewayFilterChain chain = (exchange) -> {
		this.passed.set(true);
		return Mono.empty();
	};

	private final CsrfFilter filter = new CsrfFilter(List.of("https://app.example.com"), Set.of("same-origin"));

	private void expectPassed(MockServerHttpRequest.BaseBuilder<?> request) {
		StepVerifier.create(this.filter.filter(MockServerWebExchange.from(request), this.chain)).verifyComplete();
		assertThat(this.passed).isTrue();
	}

	private void expectRejected(MockServerHttpRequest.BaseBuilder<?> request) {
		StepVerifier.create(this.filter.filter(MockServerWebExchange.from(request), this.chain))
			.expectErrorSatisfies((ex) -> assertThat(((CsrfRejectedException) ex).code()).isEqualTo("csrf_rejected"))
			.verify();
		assertThat(this.passed).isFalse();
	}

	@Test
	void filterWhenSafeMethodWithoutHeadersThenPasses() {
		expectPassed(MockServerHttpRequest.get("/api/x"));
	}

	@Test
	void filterWhenHeadOrOptionsFromAnywhereThenPasses() {
		expectPassed(MockServerHttpRequest.head("/api/x").header("Origin", "https://evil.example"));
	}

	@Test
	void filterWhenPostWithoutOriginOrFetchSiteThenRejected() {
		expectRejected(MockServerHttpRequest.post("/api/x"));
	}

	@Test
	void filterWhenPostSameOriginFetchThenPasses() {
		expectPassed(MockServerHttpRequest.post("/api/x").header("Sec-Fetch-Site", "same-origin"));
	}

	@Test
	void filterWhenPostSameSiteFetchNotConfiguredThenRejected() {
		expectRejected(MockServerHttpRequest.post("/api/x").header("Sec-Fetch-Site", "same-site"));
	}

	@Test
	void filterWhenSameSiteConfiguredThenPasses() {
		CsrfFilter lenient = new CsrfFilter(List.of(), Set.of("same-origin", "same-site"));
		StepVerifier
			.create(lenient.filter(MockServerWebExchange
				.from(MockServerHttpRequest.put("/api/x").header("Sec-Fetch-Site", "same-site")), this.chain))
			.verifyComplete();
		assertThat(this.passed).isTrue();
	}

	@Test
	void filterWhenCrossSiteFetchFromAllowedOriginThenPasses() {
		expectPassed(MockServerHttpRequest.method(HttpMethod.PATCH, "/api/x")
			.header("Sec-Fetch-Site", "cross-site")
			.header("Origin", "https://app.example.com"));
	}

	@Test
	void filterWhenDeleteFromOtherOriginThenRejected() {
		expectRejected(MockServerHttpRequest.delete("/api/x")
			.header("Sec-Fetch-Site", "cross-site")
			.header("Origin", "https://evil.example"));
	}

	@Test
	void filterWhenOriginIsNullStringThenRejected() {
		expectRejected(MockServerHttpRequest.post("/api/x").header("Origin", "null"));
	}

}
