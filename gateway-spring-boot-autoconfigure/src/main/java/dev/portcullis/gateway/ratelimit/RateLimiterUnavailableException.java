package dev.portcullis.gateway.ratelimit;

import java.time.Duration;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.web.GatewayException;

/**
 * A request on a limited route refused because Redis, which holds the limits, does not answer
 * and {@code portcullis.gateway.rate-limit.when-redis-down=fail-closed}: 503 {@code unavailable}.
 */
final class RateLimiterUnavailableException extends GatewayException {

	/** The outcome tag of this refusal in the decisions meter. */
	static final String OUTCOME = "rate_limiter_unavailable";

	RateLimiterUnavailableException(Duration retryAfter) {
		super(ErrorCodes.UNAVAILABLE, "The rate limits cannot be checked right now", retryAfter);
	}

	@Override
	public String outcome() {
		return OUTCOME;
	}

}
