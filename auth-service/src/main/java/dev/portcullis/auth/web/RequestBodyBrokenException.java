package dev.portcullis.auth.web;

/**
 * The client's request body broke off while it was read: a disconnect, a read timeout. The
 * client's fault, never a server error: {@link ProblemAdvice} answers 400 (if the connection
 * still carries an answer) and logs it at DEBUG only. No stack trace: it is an expected outcome.
 */
class RequestBodyBrokenException extends RuntimeException {

	RequestBodyBrokenException(Throwable cause) {
		super("The request body broke off: " + cause, cause, false, false);
	}

}
