package dev.portcullis.gateway.config;

import dev.portcullis.contract.revocation.RevocationFeed;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The secret shared with the auth service, bound from {@value RevocationFeed#SECRET_PROPERTY}
 * (environment {@code PORTCULLIS_FEED_SECRET}): the gateway presents it to read the
 * revocation feed. Required: without it revocations would never reach this gateway.
 *
 * @param feedSecret the shared secret, at least {@value RevocationFeed#MIN_SECRET_LENGTH}
 * characters
 */
@ConfigurationProperties("portcullis")
public record FeedSecretProperties(String feedSecret) {

	public FeedSecretProperties {
		feedSecret = RevocationFeed.requireSecret(feedSecret);
	}

	@Override
	public String toString() {
		return "FeedSecretProperties[feedSecret=******]";
	}

}
