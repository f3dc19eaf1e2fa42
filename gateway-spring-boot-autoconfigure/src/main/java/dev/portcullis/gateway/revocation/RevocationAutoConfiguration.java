package dev.portcullis.gateway.revocation;

import java.time.Clock;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.FeedSecretProperties;
import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Revocation: the in-memory denylist the access check consults on every request, the client
 * that keeps it current from the auth service's feed, and the feed's health and meters.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties({ GatewayProperties.class, FeedSecretProperties.class })
public class RevocationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RevocationList revocationList(GatewayProperties properties) {
		// a token lives up to clock-skew past its exp, so its revocation must too
		return new RevocationList(properties.clockSkew(), properties.revocation().maxEntries());
	}

	@Bean
	@ConditionalOnMissingBean
	RevocationFeedClient revocationFeedClient(RevocationList revocations, GatewayProperties properties,
			FeedSecretProperties secret, Clock clock) {
		GatewayProperties.Revocation revocation = properties.revocation();
		return new RevocationFeedClient(WebClient.builder().build(), revocation.feedUri(), secret.feedSecret(),
				revocations,
				new RevocationFeedClient.Settings(new ReconnectBackoff(revocation.reconnectDelay(),
						revocation.maxReconnectDelay(), revocation.maxOutageReconnectDelay()), revocation.staleAfter()),
				clock);
	}

	@Bean
	@ConditionalOnMissingBean
	RevocationFeedHealthIndicator revocationFeedHealthIndicator(RevocationFeedClient feed) {
		return new RevocationFeedHealthIndicator(feed);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "portcullis.gateway.metrics.enabled", matchIfMissing = true)
	@ConditionalOnMissingBean
	RevocationFeedMetrics revocationFeedMetrics(RevocationFeedClient feed, RevocationList revocations) {
		return new RevocationFeedMetrics(feed, revocations);
	}

}
