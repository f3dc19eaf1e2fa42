package dev.portcullis.auth.web;

/**
 * A request whose {@code Content-Length} announces a body larger than any this API accepts,
 * turned away before a byte of the body is read. No stack trace: it is an expected outcome.
 */
class BodyTooLargeException extends RuntimeException {

	BodyTooLargeException(long announced, long limit) {
		super("Announced body of " + announced + " bytes is over the limit of " + limit, null, false, false);
	}

}
