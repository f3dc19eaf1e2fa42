package dev.portcullis.gateway.web;

/**
 * The client's request body broke off while the gateway read or forwarded it: a malformed
 * chunk, a disconnect, a read timeout. The client's fault, never a server error:
 * {@link ProblemExceptionHandler} answers 400 if the connection can still carry an answer, and
 * logs it at DEBUG only.
 */
public final class RequestBodyBrokenException extends RuntimeException {

	public RequestBodyBrokenException(Throwable cause) {
		super("The request body broke off: " + cause, cause, false, false);
	}

}
