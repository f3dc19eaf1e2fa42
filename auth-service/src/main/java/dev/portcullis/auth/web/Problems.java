package dev.portcullis.auth.web;

import java.net.URI;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.metrics.AuthMetrics;
import dev.portcullis.contract.ErrorCodes;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * What every error answer says: the HTTP status of each {@link ErrorCode} and the RFC 9457 body
 * carrying the code. {@link ProblemAdvice} (failures in handlers) and
 * {@link ProblemExceptionHandler} (failures in filters) both answer through it, so one failure
 * reads the same wherever it is raised.
 *
 * <p>Bodies leave {@code instance} unset: for an answer from a handler Spring fills in the request
 * path.
 *
 * <p>Every answer is counted here by its code ({@code portcullis.auth.errors}), so the count
 * matches what clients were told, wherever the failure was raised.
 */
@Component
class Problems {

	private final AuthMetrics metrics;

	Problems(AuthMetrics metrics) {
		this.metrics = metrics;
	}

	static HttpStatus status(ErrorCode code) {
		return switch (code) {
			case INVALID_REQUEST, WEAK_PASSWORD -> HttpStatus.BAD_REQUEST;
			case EMAIL_TAKEN -> HttpStatus.CONFLICT;
			case INVALID_CREDENTIALS, INVALID_REFRESH, INVALID_PROOF, PROOF_REQUIRED, TOKEN_MISSING, TOKEN_EXPIRED, TOKEN_INVALID, SESSION_REVOKED,
					KEY_WITHDRAWN, FEED_UNAUTHORIZED, ADMIN_UNAUTHORIZED ->
				HttpStatus.UNAUTHORIZED;
			case ADMIN_DISABLED -> HttpStatus.FORBIDDEN;
			case SESSION_NOT_FOUND, NOT_FOUND -> HttpStatus.NOT_FOUND;
			case METHOD_NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
			case UNSUPPORTED_MEDIA_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
			case PAYLOAD_TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
			case TOO_MANY_ATTEMPTS, BUSY, RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
			case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
			case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
		};
	}

	/** A domain failure: its code's status, Retry-After when it says when, a Bearer challenge for token failures. */
	ResponseEntity<ProblemDetail> of(AuthException ex) {
		ErrorCode code = ex.code();
		ResponseEntity.BodyBuilder response = ResponseEntity.status(status(code));
		if (ex.retryAfter() != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfter().toSeconds()));
		}
		if (code == ErrorCode.TOKEN_MISSING || code == ErrorCode.TOKEN_EXPIRED || code == ErrorCode.TOKEN_INVALID
				|| code == ErrorCode.SESSION_REVOKED || code == ErrorCode.KEY_WITHDRAWN) {
			// RFC 6750 section 3
			response.header(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer error=\"invalid_token\", error_description=\"" + ex.getMessage() + "\"");
		}
		if (code == ErrorCode.FEED_UNAUTHORIZED) {
			response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"revocation-feed\"");
		}
		if (code == ErrorCode.ADMIN_UNAUTHORIZED) {
			response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"admin\"");
		}
		return response.body(body(status(code), code, ex.getMessage()));
	}

	ResponseEntity<ProblemDetail> of(HttpStatus status, ErrorCode code, String detail) {
		return ResponseEntity.status(status).body(body(status, code, detail));
	}

	ResponseEntity<ProblemDetail> tooLarge() {
		return of(HttpStatus.CONTENT_TOO_LARGE, ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large");
	}

	/** A database that does not answer: 503, never 401, so nobody "fixes" it by logging in again. */
	ResponseEntity<ProblemDetail> unavailable() {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "2")
			.body(body(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.UNAVAILABLE,
					"The service is temporarily unavailable; try again shortly"));
	}

	private ProblemDetail body(HttpStatus status, ErrorCode code, String detail) {
		this.metrics.error(code);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(ErrorCodes.type(code.value())));
		problem.setProperty("code", code.value());
		return problem;
	}

}
