package dev.portcullis.gateway.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A failure the gateway answers itself, rendered as RFC 9457 problem details with a stable
 * {@code code} by {@link ProblemExceptionHandler}.
 *
 * <p>No stack trace is captured: these are expected outcomes on the request path, not bugs.
 */
public abstract class ProblemException extends RuntimeException {

	private final HttpStatus status;

	private final String code;

	protected ProblemException(HttpStatus status, String code, String detail, Throwable cause) {
		super(detail, cause, false, false);
		this.status = status;
		this.code = code;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

	public String detail() {
		return getMessage();
	}

	/**
	 * Adds response headers that belong to this problem, such as {@code WWW-Authenticate}.
	 * @param headers the response headers
	 */
	public void addHeaders(HttpHeaders headers) {
	}

}
