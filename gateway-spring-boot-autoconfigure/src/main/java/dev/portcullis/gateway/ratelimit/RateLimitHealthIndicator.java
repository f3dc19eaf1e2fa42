package dev.portcullis.gateway.ratelimit;

import dev.portcullis.gateway.ratelimit.RedisAvailability.State;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the rate limits in the readiness details: on or off, the outage mode, and whether
 * their Redis answered the last request and since when. Always UP: in either mode a Redis
 * outage is a decision the configuration made (let through, or 503 on limited routes), not a
 * reason to take the whole gateway out of service.
 */
class RateLimitHealthIndicator implements HealthIndicator {

	private final RateLimitProperties properties;

	private final RedisAvailability availability;

	RateLimitHealthIndicator(RateLimitProperties properties, RedisAvailability availability) {
		this.properties = properties;
		this.availability = availability;
	}

	@Override
	public Health health() {
		if (!this.properties.enabled()) {
			return Health.up().withDetail("enabled", false).build();
		}
		State state = this.availability.state();
		return Health.up()
			.withDetail("enabled", true)
			.withDetail("whenRedisDown", RateLimitAutoConfiguration.modeName(this.properties))
			.withDetail("redisAnswering", state.available())
			.withDetail("secondsSinceChange", this.availability.secondsSince(state.since()))
			.build();
	}

}
