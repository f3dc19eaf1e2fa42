package dev.portcullis.gateway.ratelimit;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the request rate limits, bound from {@code portcullis.gateway.rate-limit.*}. The
 * limits themselves (replenish rate, burst capacity, key resolver) are per route, on Spring
 * Cloud Gateway's {@code RequestRateLimiter} filter.
 *
 * @param enabled whether the {@code RequestRateLimiter} filters of the routes ask Redis at all;
 * when off every request passes and no Redis is needed
 * @param whenRedisDown what a limited route does while Redis does not answer
 * @param retryAfter the {@code Retry-After} of the 503 answered while Redis is down and
 * {@code when-redis-down=fail-closed}
 */
@Validated
@ConfigurationProperties("portcullis.gateway.rate-limit")
public record RateLimitProperties(@DefaultValue("false") boolean enabled,
		@NotNull @DefaultValue("fail-open") WhenRedisDown whenRedisDown,
		@NotNull @DefaultValue("5s") Duration retryAfter) {

	public RateLimitProperties {
		if (retryAfter == null || retryAfter.toSeconds() < 1) {
			throw new IllegalArgumentException(
					"portcullis.gateway.rate-limit.retry-after must be at least 1s (Retry-After counts whole seconds)");
		}
	}

	/** What a limited route does while Redis does not answer. */
	public enum WhenRedisDown {

		/** Let every request through, unlimited (no rate-limit headers). */
		FAIL_OPEN,

		/** Refuse every request on a limited route with 503 {@code unavailable} and {@code Retry-After}. */
		FAIL_CLOSED

	}

}
