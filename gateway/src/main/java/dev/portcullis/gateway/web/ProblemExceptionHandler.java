package dev.portcullis.gateway.web;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

import io.netty.handler.timeout.ReadTimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * The one place that turns gateway failures into RFC 9457 {@code application/problem+json}
 * responses with a stable {@code code} member: access and CSRF rejections raised by the
 * filters, and upstream failures raised by the proxy (connect errors are 502, timeouts 504,
 * an exhausted connection pool 503).
 *
 * <p>Runs ahead of Spring Boot's error handler, which would answer a refused upstream
 * connection with 500. Anything else is left to Boot.
 */
@Component
public class ProblemExceptionHandler implements WebExceptionHandler, Ordered {

	static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

	/** Shared with the auth service, so clients see one problem vocabulary. */
	static final String TYPE_PREFIX = "https://portcullis.dev/problems/";

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ProblemException problem = asProblem(ex);
		ServerHttpResponse response = exchange.getResponse();
		if (problem == null || response.isCommitted()) {
			return Mono.error(ex);
		}
		response.setStatusCode(problem.status());
		response.getHeaders().setContentType(PROBLEM_JSON);
		response.getHeaders().setCacheControl("no-store");
		problem.addHeaders(response.getHeaders());
		DataBuffer body = response.bufferFactory().wrap(render(problem));
		return response.writeWith(Mono.just(body));
	}

	@Override
	public int getOrder() {
		return -2;
	}

	private static ProblemException asProblem(Throwable ex) {
		if (ex instanceof ProblemException problem) {
			return problem;
		}
		if (ex instanceof ResponseStatusException status && status.getStatusCode().value() == 504) {
			return UpstreamException.timeout(ex);
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getSimpleName().equals("PoolAcquireTimeoutException")) {
				return UpstreamException.unavailable(ex);
			}
			if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
				return UpstreamException.timeout(ex);
			}
			if (cause instanceof ConnectException || cause instanceof UnknownHostException
					|| cause instanceof PrematureCloseException) {
				return UpstreamException.badGateway(ex);
			}
		}
		return null;
	}

	static byte[] render(ProblemException problem) {
		HttpStatus status = problem.status();
		String json = "{\"type\":\"" + TYPE_PREFIX + escape(problem.code()) + "\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":"
				+ status.value() + ",\"detail\":\"" + escape(problem.detail()) + "\",\"code\":\""
				+ escape(problem.code()) + "\"}";
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
