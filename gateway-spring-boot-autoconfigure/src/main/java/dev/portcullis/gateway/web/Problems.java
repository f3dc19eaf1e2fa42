package dev.portcullis.gateway.web;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.server.ThrottledWarning;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.server.ResponseStatusException;

/**
 * The one place that turns gateway failures into HTTP, whichever path a request took (WebFlux's
 * {@link ProblemExceptionHandler} or the lean path): RFC 9457 {@code application/problem+json}
 * with a stable {@code code}, and the status and headers of each code. Rejections raised as
 * {@link GatewayException}s (401 with an RFC 6750 section 3 {@code WWW-Authenticate} challenge
 * for token failures, 403 for CSRF, 400 for a refused path, 503 when the signing keys are
 * unavailable, 429 and 503 with {@code Retry-After} for WebSockets past their caps), upstream
 * failures (connect errors 502, timeouts 504, an exhausted connection pool 503), a request
 * body that broke off (400, the connection closed) and Spring Cloud Gateway's
 * {@code RequestRateLimiter} refusals (429 {@code rate_limited}).
 *
 * <p>Refusals are counted in the {@link DecisionMeter} by code and route; upstream failures are
 * logged as one throttled WARN line without a stack trace.
 */
public final class Problems {

	private static final Logger logger = LoggerFactory.getLogger(Problems.class);

	private final ThrottledWarning upstreamFailures = new ThrottledWarning(logger, Duration.ofSeconds(10));

	private final DecisionMeter decisions;

	public Problems(DecisionMeter decisions) {
		this.decisions = decisions;
	}

	/**
	 * The answer to a failure, counted or logged; {@code null} when it is not the gateway's to
	 * answer (left to the server's own error handling).
	 * @param ex the failure
	 * @param route the matched route, or {@code null}
	 */
	public Problem decide(Throwable ex, Route route) {
		boolean bodyBroken = causedBy(ex, RequestBodyBrokenException.class);
		Problem problem = bodyBroken ? Problem.BODY_BROKEN : asProblem(ex);
		if (problem != null && (ex instanceof GatewayException || problem == Problem.RATE_LIMITED)) {
			this.decisions.rejected(route, (ex instanceof GatewayException rejected) ? rejected.outcome() : problem.code());
		}
		else if (problem != null && problem.status().is5xxServerError()) {
			this.upstreamFailures.warn("Upstream call failed, answered " + problem.status().value(), ex);
		}
		return problem;
	}

	/** Whether the failure is a request body that broke off (answered 400 while the connection can carry it). */
	public static boolean isBodyBroken(Throwable ex) {
		return causedBy(ex, RequestBodyBrokenException.class);
	}

	/**
	 * The headers of the answer to {@code ex}: content type, no caching, the challenge,
	 * {@code Retry-After}, {@code Connection: close} after a broken body.
	 */
	public static void writeHeaders(Problem problem, Throwable ex, HttpHeaders headers) {
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		headers.setCacheControl("no-store");
		if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE && headers.getFirst(HttpHeaders.RETRY_AFTER) == null) {
			headers.set(HttpHeaders.RETRY_AFTER, "1");
		}
		if (problem == Problem.BODY_BROKEN) {
			// the rest of the body cannot be read past the break: the connection ends with this answer
			headers.setConnection("close");
		}
		if (problem.status() == HttpStatus.UNAUTHORIZED) {
			headers.set(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer error=\"invalid_token\", error_description=\"" + problem.detail() + "\"");
		}
		if (ex instanceof GatewayException rejected && rejected.retryAfter() != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(rejected.retryAfter().toSeconds()));
		}
	}

	static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static Problem asProblem(Throwable ex) {
		if (ex instanceof GatewayException rejected) {
			HttpStatus status = statusOf(rejected.code());
			return (status != null) ? new Problem(status, rejected.code(), rejected.detail()) : null;
		}
		if (ex instanceof HttpClientErrorException.TooManyRequests) {
			return Problem.RATE_LIMITED;
		}
		if (ex instanceof ResponseStatusException status && status.getStatusCode().value() == 504) {
			return Problem.UPSTREAM_TIMEOUT;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof PoolAcquireTimeoutException) {
				return Problem.UPSTREAM_POOL_EXHAUSTED;
			}
			if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
				return Problem.UPSTREAM_TIMEOUT;
			}
			if (cause instanceof ConnectException || cause instanceof UnknownHostException
					|| cause instanceof PrematureCloseException) {
				return Problem.UPSTREAM_UNREACHABLE;
			}
		}
		return null;
	}

	/** The status of each code the gateway answers with itself; null for a code it does not know. */
	private static HttpStatus statusOf(String code) {
		return switch (code) {
			case ErrorCodes.TOKEN_MISSING, ErrorCodes.TOKEN_EXPIRED, ErrorCodes.TOKEN_INVALID, ErrorCodes.SESSION_REVOKED,
					ErrorCodes.KEY_WITHDRAWN ->
				HttpStatus.UNAUTHORIZED;
			case ErrorCodes.CSRF_REJECTED -> HttpStatus.FORBIDDEN;
			case ErrorCodes.INVALID_PATH -> HttpStatus.BAD_REQUEST;
			case ErrorCodes.UNAVAILABLE, ErrorCodes.SOCKETS_EXHAUSTED -> HttpStatus.SERVICE_UNAVAILABLE;
			case ErrorCodes.TOO_MANY_SOCKETS -> HttpStatus.TOO_MANY_REQUESTS;
			default -> null;
		};
	}

	public static byte[] render(Problem problem) {
		HttpStatus status = problem.status();
		String json = "{\"type\":\"" + ErrorCodes.type(escape(problem.code())) + "\",\"title\":\"" + status.getReasonPhrase()
				+ "\",\"status\":" + status.value() + ",\"detail\":\"" + escape(problem.detail()) + "\",\"code\":\""
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

	public record Problem(HttpStatus status, String code, String detail) {

		static final Problem UPSTREAM_UNREACHABLE = new Problem(HttpStatus.BAD_GATEWAY, ErrorCodes.BAD_GATEWAY,
				"The upstream service could not be reached");

		static final Problem UPSTREAM_TIMEOUT = new Problem(HttpStatus.GATEWAY_TIMEOUT, ErrorCodes.GATEWAY_TIMEOUT,
				"The upstream service did not answer in time");

		static final Problem BODY_BROKEN = new Problem(HttpStatus.BAD_REQUEST, ErrorCodes.INVALID_REQUEST,
				"The request body broke off before its end");

		static final Problem UPSTREAM_POOL_EXHAUSTED = new Problem(HttpStatus.SERVICE_UNAVAILABLE, ErrorCodes.UNAVAILABLE,
				"The gateway has no free connection to the upstream service");

		static final Problem RATE_LIMITED = new Problem(HttpStatus.TOO_MANY_REQUESTS, ErrorCodes.RATE_LIMITED,
				"Too many requests: retry after the Retry-After seconds");

	}

}
