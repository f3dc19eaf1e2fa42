package dev.portcullis.gateway.web;

import dev.portcullis.gateway.metrics.DecisionMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * The WebFlux side of {@link Problems}, the one place that turns gateway failures into HTTP
 * ({@code application/problem+json} with a stable {@code code}).
 *
 * <p>Runs ahead of Spring Boot's error handler, which would answer a refused upstream
 * connection with 500. A client's broken request is not a server error: a body that broke off
 * ({@link RequestBodyBrokenException}) is answered 400 while the connection can carry an answer,
 * and a request Reactor Netty already answered itself (a malformed chunk gets its bare 400)
 * is left alone; both are logged at DEBUG only. Anything else is left to Boot.
 */
@Component
class ProblemExceptionHandler implements WebExceptionHandler, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final Problems problems;

	ProblemExceptionHandler(DecisionMeter decisions) {
		this.problems = new Problems(decisions);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		boolean bodyBroken = Problems.causedBy(ex, RequestBodyBrokenException.class);
		if (answeredByServer(response, ex) || (bodyBroken && (response.isCommitted() || !connected(response)))) {
			logger.debug("No answer possible for {} {}: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), ex.toString());
			return Mono.empty();
		}
		Problems.Problem problem = this.problems.decide(ex,
				exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR));
		if (problem == null || response.isCommitted()) {
			return Mono.error(ex);
		}
		response.setStatusCode(problem.status());
		Problems.writeHeaders(problem, ex, response.getHeaders());
		DataBuffer body = response.bufferFactory().wrap(Problems.render(problem));
		return response.writeWith(Mono.just(body));
	}

	@Override
	public int getOrder() {
		return -2;
	}

	/**
	 * Whether Reactor Netty answered on the connection itself, as it does a malformed chunk in a
	 * body being forwarded: the upstream's answer then fails to commit ({@code IllegalStateException:
	 * Status and headers already sent}).
	 */
	private static boolean answeredByServer(ServerHttpResponse response, Throwable ex) {
		return ex instanceof IllegalStateException && response.isCommitted()
				&& ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse nativeResponse
				&& nativeResponse.hasSentHeaders();
	}

	private static boolean connected(ServerHttpResponse response) {
		return !(ServerHttpResponseDecorator.getNativeResponse(response) instanceof Connection connection)
				|| connection.channel().isActive();
	}

	static byte[] render(Problems.Problem problem) {
		return Problems.render(problem);
	}

}
