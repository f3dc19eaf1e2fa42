package dev.portcullis.gateway.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.portcullis.gateway.revocation.RevocationList;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GatewayPropertiesTests {

	private static GatewayProperties bind(Map<String, String> extra) {
		Map<String, String> source = new HashMap<>(Map.of("portcullis.gateway.jwks-uri", "http://auth/jwks.json",
				"portcullis.gateway.revocation.feed-uri", "http://auth/internal/revocations"));
		source.putAll(extra);
		return new Binder(new MapConfigurationPropertySource(source)).bindOrCreate("portcullis.gateway",
				GatewayProperties.class);
	}

	@Test
	void bindWhenOnlyJwksUriThenSecureDefaults() {
		GatewayProperties properties = bind(Map.of());
		assertThat(properties.accessCookie()).isEqualTo("__Host-access_token");
		assertThat(properties.refreshCookie()).isEqualTo("__Secure-refresh_token");
		assertThat(properties.algorithms()).containsExactly("RS256");
		assertThat(properties.clockSkew()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.maxTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
		assertThat(properties.cors().allowedOrigins()).isEmpty();
		assertThat(properties.csrf().enabled()).isTrue();
		assertThat(properties.csrf().allowedFetchSites()).containsExactly("same-origin");
		assertThat(properties.jwks().refreshInterval()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.cacheSize()).isNull();
		assertThat(properties.tokenCache().maxWeight()).isNull();
		assertThat(properties.revocation().maxEntries()).isEqualTo(RevocationList.DEFAULT_MAX_ENTRIES);
	}

	@Test
	void bindWhenCacheSizeAndTokenCacheMaxWeightBothSetThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.cache-size", "1000", "portcullis.gateway.token-cache.max-weight",
					"8MB")))
			.withStackTraceContaining("cache-size is replaced by portcullis.gateway.token-cache.max-weight");
	}

	@Test
	void bindWhenRevocationMaxEntriesNotPositiveThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.revocation.max-entries", "0")))
			.withStackTraceContaining("revocation.max-entries must be positive");
	}

	@Test
	void bindWhenJwksUriMissingThenFailsWithHowToFix() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> new Binder(new MapConfigurationPropertySource(Map.of("portcullis.gateway.issuer", "x")))
				.bindOrCreate("portcullis.gateway", GatewayProperties.class))
			.withStackTraceContaining("jwks-uri is not set");
	}

	@Test
	void bindWhenWildcardOriginThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.cors.allowed-origins", "*")))
			.withStackTraceContaining("no '*'");
	}

	@Test
	void bindWhenSymmetricAlgorithmThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.algorithms", "RS256,HS256")))
			.withStackTraceContaining("asymmetric");
	}

	@Test
	void bindWhenCrossSiteFetchAllowedThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.csrf.allowed-fetch-sites", "cross-site")))
			.withStackTraceContaining("same-origin and same-site only");
	}

	@Test
	void bindWhenNegativeSkewThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.clock-skew", "-1s")))
			.withStackTraceContaining("must not be negative");
	}

	@Test
	void bindWhenMaxTokenLifetimeNotPositiveThenFailsWithWhatToSet() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.max-token-lifetime", "0s")))
			.withStackTraceContaining("max-token-lifetime must be positive: set it to the auth service's");
	}

	@Test
	void bindWhenNoWebSocketSettingsThenTenPerUserAndThousandInAll() {
		GatewayProperties properties = bind(Map.of());
		assertThat(properties.websocket().maxPerUser()).isEqualTo(10);
		assertThat(properties.websocket().maxOpen()).isEqualTo(1000);
	}

	@Test
	void bindWhenWebSocketCapNotPositiveThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.websocket.max-per-user", "0")))
			.withStackTraceContaining("websocket.max-per-user must be positive");
	}

	@Test
	void bindWhenPerUserCapAboveTotalThenRejectedWithBothNames() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.websocket.max-per-user", "20",
					"portcullis.gateway.websocket.max-open", "10")))
			.withStackTraceContaining("max-per-user (20) must not exceed portcullis.gateway.websocket.max-open (10)");
	}

	@Test
	void bindWhenNoFeedUriThenFailsWithHowToFixRatherThanUsingTheJwksHost() {
		// keys served from another host: the feed secret must never follow them there
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> new Binder(new MapConfigurationPropertySource(
					Map.of("portcullis.gateway.jwks-uri", "https://keys.cdn.example/.well-known/jwks.json")))
				.bindOrCreate("portcullis.gateway", GatewayProperties.class))
			.withStackTraceContaining("portcullis.gateway.revocation.feed-uri is not set")
			.withStackTraceContaining("PORTCULLIS_FEED_URI")
			.withStackTraceContaining("not derived from jwks-uri");
	}

	@Test
	void bindWhenRevocationDefaultsThenBacksOffToThirtySecondsAfterRefusalsAndOneWhileUnreachable() {
		GatewayProperties properties = bind(Map.of());
		assertThat(properties.revocation().reconnectDelay()).isEqualTo(Duration.ofMillis(250));
		assertThat(properties.revocation().maxReconnectDelay()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.revocation().maxOutageReconnectDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.revocation().staleAfter()).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void bindWhenFeedUriGivenThenKept() {
		GatewayProperties properties = bind(
				Map.of("portcullis.gateway.revocation.feed-uri", "http://feed.internal/internal/revocations"));
		assertThat(properties.revocation().feedUri()).hasToString("http://feed.internal/internal/revocations");
	}

	@Test
	void bindWhenFeedUriRelativeThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.revocation.feed-uri", "/internal/revocations")))
			.withStackTraceContaining("feed-uri must be an absolute http(s) URI");
	}

	@Test
	void bindWhenMaxReconnectDelayBelowReconnectDelayThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.revocation.reconnect-delay", "2s")))
			.withStackTraceContaining("max-outage-reconnect-delay must not be shorter than reconnect-delay");
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.revocation.max-reconnect-delay", "500ms")))
			.withStackTraceContaining("max-reconnect-delay must not be shorter than max-outage-reconnect-delay");
	}

	@Test
	void bindWhenStaleAfterZeroThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("portcullis.gateway.revocation.stale-after", "0s")))
			.withStackTraceContaining("revocation.stale-after must be positive");
	}

	private static FeedSecretProperties bindSecret(Map<String, String> source) {
		return new Binder(new MapConfigurationPropertySource(source)).bindOrCreate("portcullis",
				FeedSecretProperties.class);
	}

	@Test
	void bindWhenFeedSecretMissingThenFailsWithHowToFix() {
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bindSecret(Map.of()))
			.withStackTraceContaining("portcullis.feed-secret is not set")
			.withStackTraceContaining("PORTCULLIS_FEED_SECRET");
	}

	@Test
	void bindWhenFeedSecretShortThenRejected() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bindSecret(Map.of("portcullis.feed-secret", "short")))
			.withStackTraceContaining("at least 32 characters");
	}

	@Test
	void bindWhenFeedSecretLongEnoughThenKeptButNeverPrinted() {
		String secret = "0123456789abcdef0123456789abcdef";
		FeedSecretProperties properties = bindSecret(Map.of("portcullis.feed-secret", secret));
		assertThat(properties.feedSecret()).isEqualTo(secret);
		assertThat(properties.toString()).doesNotContain(secret);
	}

}
