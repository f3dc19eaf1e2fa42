package dev.portcullis.gateway.websocket;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.portcullis.gateway.csrf.CsrfRejectedException;
import dev.portcullis.gateway.route.RoutePolicy;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class UpgradeOriginFilterTests {

	private final AtomicBoolean passed = new AtomicBoolean();

	private final GatewayFilterChain chain = (exchange) -> {
		this.passed.set(true);
		return Mono.empty();
	};

	private final UpgradeOriginFilter filter = new UpgradeOriginFilter(List.of("https://app.example.com"),
			new RoutePolicy(List.of("/open/**")));

	private static MockServerHttpRequest.BaseBuilder<?> upgrade(String path) {
		return MockServerHttpRequest.get(path).header("Connection", "Upgrade").header("Upgrade", "websocket");
	}

	private void expectPassed(MockServerHttpRequest.BaseBuilder<?> request) {
		StepVerifier.create(this.filter.filter(MockServerWebExchange.from(request), this.chain)).verifyComplete();
		assertThat(this.passed).isTrue();
	}

	private void expectRejected(MockServerHttpRequest.BaseBuilder<?> request) {
		StepVerifier.create(this.filter.filter(MockServerWebExchange.from(request), this.chain))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(CsrfRejectedException.class,
					(rejected) -> assertThat(rejected.code()).isEqualTo("csrf_rejected")))
			.verify();
		assertThat(this.passed).isFalse();
	}

	@Test
	void filterWhenUpgradeFromAllowedOriginThenPasses() {
		expectPassed(upgrade("/api/ws").header("Origin", "https://app.example.com"));
	}

	@Test
	void filterWhenUpgradeFromOtherOriginThenRejected() {
		expectRejected(upgrade("/api/ws").header("Origin", "https://evil.example"));
	}

	@Test
	void filterWhenUpgradeWithoutOriginThenRejected() {
		expectRejected(upgrade("/api/ws"));
	}

	@Test
	void filterWhenUpgradeFromSameOriginFetchButOriginNotAllowedThenRejected() {
		// Sec-Fetch-Site is not enough for a socket: the allowlist decides
		expectRejected(upgrade("/api/ws").header("Origin", "https://evil.example").header("Sec-Fetch-Site", "same-origin"));
	}

	@Test
	void filterWhenUpgradeHeaderInOtherCaseThenStillChecked() {
		expectRejected(MockServerHttpRequest.get("/api/ws").header("Upgrade", "WebSocket")
			.header("Origin", "https://evil.example"));
	}

	@Test
	void filterWhenUpgradeToPublicPathThenPassesFromAnyOrigin() {
		expectPassed(upgrade("/open/ws").header("Origin", "https://evil.example"));
	}

	@Test
	void filterWhenPlainGetFromOtherOriginThenPasses() {
		expectPassed(MockServerHttpRequest.get("/api/x").header("Origin", "https://evil.example"));
	}

}
