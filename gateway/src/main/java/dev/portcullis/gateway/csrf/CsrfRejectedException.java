package dev.portcullis.gateway.csrf;

import dev.portcullis.gateway.web.ProblemException;

import org.springframework.http.HttpStatus;

/**
 * An unsafe request that did not come from an allowed origin: 403.
 */
final class CsrfRejectedException extends ProblemException {

	CsrfRejectedException() {
		super(HttpStatus.FORBIDDEN, "csrf_rejected", "Cross-site request rejected", null);
	}

}
