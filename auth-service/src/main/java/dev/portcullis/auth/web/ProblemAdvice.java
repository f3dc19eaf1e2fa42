package dev.portcullis.auth.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.server.ThrottledWarning;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Decides what a failure raised in a handler is, and answers it through {@link Problems} as RFC
 * 9457 {@code application/problem+json} with a stable {@code code}: client errors are 4xx, a
 * database that does not answer is 503, never 401. Failures raised in filters never get here;
 * {@link ProblemExceptionHandler} answers those through the same {@link Problems}.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProblemAdvice {

	private static final Logger logger = LoggerFactory.getLogger(ProblemAdvice.class);

	/** One line every 10 s at most while the database is down, not one per request. */
	private final ThrottledWarning databaseUnavailable = new ThrottledWarning(logger, Duration.ofSeconds(10));

	private final AuthCookies cookies;

	private final Problems problems;

	ProblemAdvice(AuthCookies cookies, Problems problems) {
		this.cookies = cookies;
		this.problems = problems;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> authFailure(AuthException ex, ServerWebExchange exchange) {
		if (ex.code() == ErrorCode.INVALID_REFRESH) {
			this.cookies.clear(exchange.getResponse());
		}
		return forClient(this.problems.of(ex), exchange);
	}

	/**
	 * A body that broke off: nothing the server did wrong, so DEBUG only; the answer reaches the
	 * client only if its connection is still open, and ends the connection.
	 */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> bodyBroken(RequestBodyBrokenException ex, ServerWebExchange exchange) {
		logger.debug("Request body broke off on {} {}: {}", exchange.getRequest().getMethod(),
				exchange.getRequest().getPath(), ex.getCause().toString());
		ResponseEntity<ProblemDetail> answer = this.problems.of(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST,
				"The request body broke off before its end");
		return ResponseEntity.status(answer.getStatusCode())
			.headers(answer.getHeaders())
			.header(HttpHeaders.CONNECTION, "close")
			.body(answer.getBody());
	}

	@ExceptionHandler({ DataBufferLimitException.class })
	ResponseEntity<ProblemDetail> tooLarge() {
		return this.problems.tooLarge();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> badInput(ServerWebInputException ex) {
		if (causedBy(ex, DataBufferLimitException.class)) {
			return this.problems.tooLarge();
		}
		return this.problems.of(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST, "The request body is missing or malformed");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unsupportedMediaType(UnsupportedMediaTypeStatusException ex) {
		return this.problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send application/json");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> methodNotAllowed(MethodNotAllowedException ex) {
		return this.problems.of(HttpStatus.METHOD_NOT_ALLOWED, ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed here");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> otherStatus(ResponseStatusException ex, ServerWebExchange exchange) {
		HttpStatus status = HttpStatus.resolve(ex.getStatusCode().value());
		if (status == HttpStatus.NOT_FOUND) {
			return this.problems.of(status, ErrorCode.NOT_FOUND, "No such resource");
		}
		if (status == HttpStatus.CONTENT_TOO_LARGE) {
			// how Spring reports a body over the codecs' in-memory limit (a DataBufferLimitException)
			return this.problems.tooLarge();
		}
		if (ex instanceof NotAcceptableStatusException) {
			return this.problems.of(HttpStatus.NOT_ACCEPTABLE, ErrorCode.INVALID_REQUEST, "Accept application/json");
		}
		if (status != null && status.is4xxClientError()) {
			return this.problems.of(status, ErrorCode.INVALID_REQUEST, ex.getReason());
		}
		return serverSide(ex, exchange);
	}

	@ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessException.class,
			CannotCreateTransactionException.class, R2dbcNonTransientResourceException.class,
			R2dbcTransientResourceException.class, TimeoutException.class })
	ResponseEntity<ProblemDetail> unavailable(Exception ex, ServerWebExchange exchange) {
		this.databaseUnavailable.warn("Database unavailable", ex);
		return forClient(this.problems.unavailable(), exchange);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unexpected(Exception ex, ServerWebExchange exchange) throws Exception {
		if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
			// the caller left before the answer (a dropped refresh whose rotation already
			// committed): no answer can reach it and nothing failed on our side, so this is not an
			// ERROR; WebFlux and Boot log a lost client at DEBUG
			throw ex;
		}
		return serverSide(ex, exchange);
	}

	private ResponseEntity<ProblemDetail> serverSide(Exception ex, ServerWebExchange exchange) {
		if (causedBy(ex, RequestBodyBrokenException.class)) {
			return bodyBroken((RequestBodyBrokenException) cause(ex, RequestBodyBrokenException.class), exchange);
		}
		if (causedBy(ex, DataAccessResourceFailureException.class) || causedBy(ex, R2dbcNonTransientResourceException.class)
				|| causedBy(ex, java.net.ConnectException.class)) {
			return unavailable(ex, exchange);
		}
		logger.error("Unexpected failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
		return this.problems.of(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, "Something went wrong on our side");
	}

	/**
	 * A client that accepts only an event stream (a gateway on the revocation feed) would
	 * otherwise get the problem written as one SSE event; a problem is always problem+json.
	 */
	private static ResponseEntity<ProblemDetail> forClient(ResponseEntity<ProblemDetail> answer, ServerWebExchange exchange) {
		List<MediaType> accepted = exchange.getRequest().getHeaders().getAccept();
		if (accepted.stream().noneMatch(MediaType.TEXT_EVENT_STREAM::equalsTypeAndSubtype)) {
			return answer;
		}
		return ResponseEntity.status(answer.getStatusCode())
			.headers(answer.getHeaders())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(answer.getBody());
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		return cause(ex, type) != null;
	}

	private static Throwable cause(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return t;
			}
		}
		return null;
	}

}
