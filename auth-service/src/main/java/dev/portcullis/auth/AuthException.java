package dev.portcullis.auth;

import java.time.Duration;

/**
 * A failure the caller is told about, with a stable {@link ErrorCode}. Domain code throws it and
 * knows nothing of HTTP; the web layer turns it into problem+json.
 */
public class AuthException extends RuntimeException {

	private final ErrorCode code;

	private final Duration retryAfter;

	public AuthException(ErrorCode code, String detail) {
		this(code, detail, null, null);
	}

	public AuthException(ErrorCode code, String detail, Duration retryAfter, Throwable cause) {
		super(detail, cause, false, false);
		this.code = code;
		this.retryAfter = retryAfter;
	}

	public ErrorCode code() {
		return this.code;
	}

	/** When the client may try again, for {@link ErrorCode#BUSY}, {@link ErrorCode#TOO_MANY_ATTEMPTS} and
	 * {@link ErrorCode#RATE_LIMITED}. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
