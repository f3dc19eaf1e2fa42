package dev.portcullis.auth.web;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class RequestSizeFilterTests {

	private final RequestSizeFilter filter = new RequestSizeFilter();

	private final AtomicBoolean passedOn = new AtomicBoolean();

	private final WebFilterChain chain = (exchange) -> Mono.fromRunnable(() -> this.passedOn.set(true));

	@Test
	void filterWhenAnnouncedBodyOverLimitThenBodyTooLargeWithoutPassingOn() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/auth/register").contentLength(RequestSizeFilter.MAX_BODY + 1));
		this.filter.filter(exchange, this.chain).as(StepVerifier::create).expectError(BodyTooLargeException.class).verify();
		assertThat(this.passedOn).isFalse();
		assertThat(exchange.getResponse().isCommitted()).isFalse();
	}

	@Test
	void filterWhenAnnouncedBodyAtLimitThenPassesOn() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/auth/register").contentLength(RequestSizeFilter.MAX_BODY));
		this.filter.filter(exchange, this.chain).as(StepVerifier::create).verifyComplete();
		assertThat(this.passedOn).isTrue();
	}

	@Test
	void filterWhenNoLengthAnnouncedThenPassesOnToTheCodecLimit() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/auth/register").header("Transfer-Encoding", "chunked"));
		this.filter.filter(exchange, this.chain).as(StepVerifier::create).verifyComplete();
		assertThat(this.passedOn).isTrue();
	}

}
