package dev.portcullis.gateway.web;

import org.springframework.http.HttpStatus;

/**
 * The upstream behind a route could not be reached in time.
 */
final class UpstreamException extends ProblemException {

	private UpstreamException(HttpStatus status, String code, String detail, Throwable cause) {
		super(status, code, detail, cause);
	}

	static UpstreamException badGateway(Throwable cause) {
		return new UpstreamException(HttpStatus.BAD_GATEWAY, "bad_gateway", "The upstream service could not be reached",
				cause);
	}

	static UpstreamException timeout(Throwable cause) {
		return new UpstreamException(HttpStatus.GATEWAY_TIMEOUT, "gateway_timeout",
				"The upstream service did not answer in time", cause);
	}

	static UpstreamException unavailable(Throwable cause) {
		return new UpstreamException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
				"The gateway has no free connection to the upstream service", cause);
	}

}
