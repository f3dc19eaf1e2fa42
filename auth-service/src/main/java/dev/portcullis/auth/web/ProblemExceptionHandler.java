package dev.portcullis.auth.web;

import java.util.List;

import dev.portcullis.auth.AuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Answers failures raised in web filters, which run before any handler and so never reach
 * {@link ProblemAdvice}, through the same {@link Problems} and the same JSON encoder as every
 * other error answer. Runs ahead of Spring Boot's error handler (order -1); anything it does not
 * know is left to that. Only in the server: the command-line modes have no codecs to write with.
 *
 * <p>A request Reactor Netty already answered itself (a malformed chunk in a body gets its bare
 * 400) is left alone, logged at DEBUG: the answer that then fails to commit is not a server error.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class ProblemExceptionHandler implements WebExceptionHandler, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final ServerResponse.Context context;

	private final Problems problems;

	ProblemExceptionHandler(ServerCodecConfigurer codecs, Problems problems) {
		this.context = new Writers(codecs.getWriters());
		this.problems = problems;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (answeredByServer(exchange.getResponse(), ex)) {
			logger.debug("No answer possible for {} {}: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), ex.toString());
			return Mono.empty();
		}
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		if (ex instanceof AuthException refused) {
			// a filter's refusal (the admin check on the management port)
			return write(exchange, this.problems.of(refused));
		}
		if (!(ex instanceof BodyTooLargeException)) {
			return Mono.error(ex);
		}
		// The body was never read, so the connection cannot carry another request.
		exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		return write(exchange, this.problems.tooLarge());
	}

	@Override
	public int getOrder() {
		return -2;
	}

	/**
	 * Whether Reactor Netty answered on the connection itself: the handler's answer then fails to
	 * commit ({@code IllegalStateException: Status and headers already sent}).
	 */
	private static boolean answeredByServer(ServerHttpResponse response, Throwable ex) {
		return ex instanceof IllegalStateException && response.isCommitted()
				&& ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse nativeResponse
				&& nativeResponse.hasSentHeaders();
	}

	private Mono<Void> write(ServerWebExchange exchange, ResponseEntity<ProblemDetail> answer) {
		return ServerResponse.status(answer.getStatusCode())
			.headers((headers) -> headers.addAll(answer.getHeaders()))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(answer.getBody())
			.flatMap((response) -> response.writeTo(exchange, this.context));
	}

	private record Writers(List<HttpMessageWriter<?>> messageWriters) implements ServerResponse.Context {

		@Override
		public List<ViewResolver> viewResolvers() {
			return List.of();
		}

	}

}
