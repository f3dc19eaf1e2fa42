package dev.portcullis.gateway.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GatewayPropertiesTests {

	private static GatewayProperties bind(Map<String, String> extra) {
		Map<String, String> source = new HashMap<>(Map.of("portcullis.gateway.jwks-uri", "http://auth/jwks.json"));
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
		assertThat(properties.cors().allowedOrigins()).isEmpty();
		assertThat(properties.csrf().enabled()).isTrue();
		assertThat(properties.csrf().allowedFetchSites()).containsExactly("same-origin");
		assertThat(properties.jwks().refreshInterval()).isEqualTo(Duration.ofMinutes(5));
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

}
