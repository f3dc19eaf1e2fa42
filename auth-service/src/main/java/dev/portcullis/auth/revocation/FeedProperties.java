package dev.portcullis.auth.revocation;

import dev.portcullis.contract.revocation.RevocationFeed;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The revocation feed's shared secret, {@link RevocationFeed#SECRET_PROPERTY} (environment
 * {@code PORTCULLIS_FEED_SECRET}): required, at least {@link RevocationFeed#MIN_SECRET_LENGTH}
 * characters, never logged.
 *
 * @param feedSecret the bearer secret every gateway presents to the feed
 */
@ConfigurationProperties("portcullis")
public record FeedProperties(String feedSecret) {

	public FeedProperties {
		RevocationFeed.requireSecret(feedSecret);
	}

	@Override
	public String toString() {
		return "FeedProperties[feedSecret=<hidden>]";
	}

}
