package dev.portcullis.auth.web;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
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
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * The one place that turns failures into RFC 9457 {@code application/problem+json} with a stable
 * {@code code}: client errors are 4xx, a database that does not answer is 503, never 401.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProblemAdvice {

	private static final Logger logger = LoggerFactory.getLogger(ProblemAdvice.class);

	private final AuthCookies cookies;

	ProblemAdvice(AuthCookies cookies) {
		this.cookies = cookies;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> authFailure(AuthException ex, ServerWebExchange exchange) {
		ErrorCode code = ex.code();
		if (code == ErrorCode.INVALID_REFRESH) {
			this.cookies.clear(exchange.getResponse());
		}
		ResponseEntity.BodyBuilder response = status(status(code), exchange);
		if (ex.retryAfter() != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfter().toSeconds()));
		}
		if (code == ErrorCode.TOKEN_MISSING || code == ErrorCode.TOKEN_EXPIRED || code == ErrorCode.TOKEN_INVALID) {
			response.header(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer error=\"invalid_token\", error_description=\"" + ex.getMessage() + "\"");
		}
		if (code == ErrorCode.FEED_UNAUTHORIZED) {
			response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"revocation-feed\"");
		}
		return response.body(problem(status(code), code, ex.getMessage(), exchange));
	}

	@ExceptionHandler({ DataBufferLimitException.class })
	ResponseEntity<ProblemDetail> tooLarge(Exception ex, ServerWebExchange exchange) {
		return respond(HttpStatus.CONTENT_TOO_LARGE, ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large", exchange);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> badInput(ServerWebInputException ex, ServerWebExchange exchange) {
		if (causedBy(ex, DataBufferLimitException.class)) {
			return tooLarge(ex, exchange);
		}
		return respond(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST, "The request body is missing or malformed", exchange);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unsupportedMediaType(UnsupportedMediaTypeStatusException ex, ServerWebExchange exchange) {
		return respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send application/json", exchange);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> methodNotAllowed(MethodNotAllowedException ex, ServerWebExchange exchange) {
		return respond(HttpStatus.METHOD_NOT_ALLOWED, ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed here", exchange);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> otherStatus(ResponseStatusException ex, ServerWebExchange exchange) {
		HttpStatus status = HttpStatus.resolve(ex.getStatusCode().value());
		if (status == HttpStatus.NOT_FOUND) {
			return respond(status, ErrorCode.NOT_FOUND, "No such resource", exchange);
		}
		if (ex instanceof NotAcceptableStatusException) {
			return respond(HttpStatus.NOT_ACCEPTABLE, ErrorCode.INVALID_REQUEST, "Accept application/json", exchange);
		}
		if (status != null && status.is4xxClientError()) {
			return respond(status, ErrorCode.INVALID_REQUEST, ex.getReason(), exchange);
		}
		return unexpected(ex, exchange);
	}

	@ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessException.class,
			CannotCreateTransactionException.class, R2dbcNonTransientResourceException.class,
			R2dbcTransientResourceException.class, TimeoutException.class })
	ResponseEntity<ProblemDetail> unavailable(Exception ex, ServerWebExchange exchange) {
		logger.warn("Database unavailable: {}", ex.toString());
		return status(HttpStatus.SERVICE_UNAVAILABLE, exchange)
			.header(HttpHeaders.RETRY_AFTER, "2")
			.body(problem(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.UNAVAILABLE,
					"The service is temporarily unavailable; try again shortly", exchange));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unexpected(Exception ex, ServerWebExchange exchange) {
		if (causedBy(ex, DataAccessResourceFailureException.class) || causedBy(ex, R2dbcNonTransientResourceException.class)
				|| causedBy(ex, java.net.ConnectException.class)) {
			return unavailable(ex, exchange);
		}
		logger.error("Unexpected failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
		return respond(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, "Something went wrong on our side", exchange);
	}

	static HttpStatus status(ErrorCode code) {
		return switch (code) {
			case INVALID_REQUEST, WEAK_PASSWORD -> HttpStatus.BAD_REQUEST;
			case EMAIL_TAKEN -> HttpStatus.CONFLICT;
			case INVALID_CREDENTIALS, INVALID_REFRESH, TOKEN_MISSING, TOKEN_EXPIRED, TOKEN_INVALID, FEED_UNAUTHORIZED ->
				HttpStatus.UNAUTHORIZED;
			case SESSION_NOT_FOUND, NOT_FOUND -> HttpStatus.NOT_FOUND;
			case METHOD_NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
			case UNSUPPORTED_MEDIA_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
			case PAYLOAD_TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
			case TOO_MANY_ATTEMPTS, BUSY -> HttpStatus.TOO_MANY_REQUESTS;
			case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
			case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
		};
	}

	private ResponseEntity<ProblemDetail> respond(HttpStatus status, ErrorCode code, String detail,
			ServerWebExchange exchange) {
		return status(status, exchange).body(problem(status, code, detail, exchange));
	}

	/**
	 * A client that accepts an event stream (a gateway on the revocation feed) would otherwise
	 * get the problem as one SSE event; a problem is always problem+json.
	 */
	private static ResponseEntity.BodyBuilder status(HttpStatus status, ServerWebExchange exchange) {
		ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
		List<MediaType> accepted = exchange.getRequest().getHeaders().getAccept();
		if (accepted.stream().anyMatch(MediaType.TEXT_EVENT_STREAM::equalsTypeAndSubtype)) {
			response.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		return response;
	}

	private static ProblemDetail problem(HttpStatus status, ErrorCode code, String detail, ServerWebExchange exchange) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("https://portcullis.dev/problems/" + code.value()));
		problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
		problem.setProperty("code", code.value());
		return problem;
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

}
