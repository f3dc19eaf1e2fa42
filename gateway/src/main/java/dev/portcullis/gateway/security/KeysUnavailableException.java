package dev.portcullis.gateway.security;

import dev.portcullis.gateway.web.ProblemException;

import org.springframework.http.HttpStatus;

/**
 * The token could not be checked because the signing keys could not be loaded: an
 * infrastructure failure (503), so that nobody "fixes" it by logging in again.
 */
final class KeysUnavailableException extends ProblemException {

	KeysUnavailableException() {
		super(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "The signing keys are not available, try again later",
				null);
	}

}
