package dev.portcullis.auth.revocation;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code portcullis.auth.revocation.*} settings.
 *
 * @param pollInterval how often a replica reads events other replicas wrote; on PostgreSQL a
 * notification triggers a read at once, so this bounds the delay only when one is lost
 * @param heartbeatInterval how often the feed sends a heartbeat
 * @param purgeInterval how often events past their {@code valid_until} are deleted
 */
@Validated
@ConfigurationProperties("portcullis.auth.revocation")
public record RevocationProperties(@DefaultValue("1s") @NotNull Duration pollInterval,
		@DefaultValue("5s") @NotNull Duration heartbeatInterval, @DefaultValue("5m") @NotNull Duration purgeInterval) {

	public RevocationProperties {
		requireBetween(pollInterval, "poll-interval", Duration.ofMillis(50), Duration.ofMinutes(1));
		requireBetween(heartbeatInterval, "heartbeat-interval", Duration.ofMillis(100), Duration.ofMinutes(5));
		requireBetween(purgeInterval, "purge-interval", Duration.ofSeconds(1), Duration.ofDays(1));
	}

	private static void requireBetween(Duration value, String name, Duration min, Duration max) {
		if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
			throw new IllegalArgumentException(
					"portcullis.auth.revocation." + name + " must be between " + min + " and " + max + ", was " + value);
		}
	}

}
