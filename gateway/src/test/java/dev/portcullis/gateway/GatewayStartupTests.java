package dev.portcullis.gateway;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Start-up refuses a configuration the gateway cannot run safely with, saying what to set.
 */
class GatewayStartupTests {

	@ParameterizedTest(name = "feed secret ''{0}''")
	@CsvSource(delimiter = '|', value = { "''|portcullis.feed-secret is not set", "too-short|at least 32 characters" })
	void startWhenFeedSecretMissingOrShortThenFailsWithHowToFix(String secret, String message) {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0",
					"--management.server.port=0", "--portcullis.gateway.jwks-uri=http://127.0.0.1:9/jwks.json",
					"--portcullis.feed-secret=" + secret))
			.withStackTraceContaining(message);
	}

}
