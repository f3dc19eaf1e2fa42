package dev.portcullis.gateway.revocation;

import dev.portcullis.gateway.revocation.RevocationFeedClient.FeedStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports how current the revocation feed is: whether it is connected, the last event id
 * applied, how long ago the feed was last heard from, and while it fails, the attempts failed
 * in a row and the current wait between them. Always UP: when the feed is
 * unreachable the gateway keeps serving with the revocations it holds, so staleness is made
 * visible here and in the logs, never turned into an unready gateway.
 */
class RevocationFeedHealthIndicator implements HealthIndicator {

	private final RevocationFeedClient feed;

	public RevocationFeedHealthIndicator(RevocationFeedClient feed) {
		this.feed = feed;
	}

	@Override
	public Health health() {
		FeedStatus status = this.feed.status();
		return Health.up()
			.withDetail("connected", status.connected())
			.withDetail("stale", status.stale())
			.withDetail("lastEventId", status.lastEventId())
			.withDetail("secondsSinceLastHeard", status.sinceLastHeard().toSeconds())
			.withDetail("revocations", status.revocations())
			.withDetail("failedAttempts", status.failedAttempts())
			.withDetail("backoffMillis", status.backoff().toMillis())
			.build();
	}

}
