package dev.portcullis.gateway.web;

import java.time.Duration;

/**
 * A request the gateway refuses itself, named by its stable {@code code} (see
 * {@link dev.portcullis.contract.ErrorCodes}). It says nothing of HTTP:
 * {@link ProblemExceptionHandler} decides the status and headers of each code.
 *
 * <p>No stack trace is captured: these are expected outcomes on the request path, not bugs.
 */
public abstract class GatewayException extends RuntimeException {

	private final String code;

	private final Duration retryAfter;

	protected GatewayException(String code, String detail) {
		this(code, detail, null);
	}

	/**
	 * @param code the stable code
	 * @param detail what the client is told
	 * @param retryAfter how long the client should wait before trying again, or {@code null}
	 */
	protected GatewayException(String code, String detail, Duration retryAfter) {
		super(detail, null, false, false);
		this.code = code;
		this.retryAfter = retryAfter;
	}

	public String code() {
		return this.code;
	}

	public String detail() {
		return getMessage();
	}

	/** How long the client should wait before trying again; {@code null} when not said. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/** The {@code outcome} this refusal is counted under in the decisions meter: its code unless told. */
	public String outcome() {
		return this.code;
	}

}
