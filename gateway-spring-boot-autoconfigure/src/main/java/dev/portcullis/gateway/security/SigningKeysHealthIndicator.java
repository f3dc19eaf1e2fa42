package dev.portcullis.gateway.security;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports whether signing keys are held: the gateway is not ready to serve protected routes
 * until the first JWKS fetch has succeeded. A later auth-service outage keeps it UP, because
 * the keys held keep working; it is reported as a detail.
 */
class SigningKeysHealthIndicator implements HealthIndicator {

	private final SigningKeySource keys;

	public SigningKeysHealthIndicator(SigningKeySource keys) {
		this.keys = keys;
	}

	@Override
	public Health health() {
		SigningKeys current = this.keys.current();
		Health.Builder health = current.loaded() ? Health.up() : Health.outOfService();
		return health.withDetail("keys", current.size())
			.withDetail("lastFetchFailed", this.keys.lastFetchFailed())
			.build();
	}

}
