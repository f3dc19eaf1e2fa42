package dev.portcullis.gateway;

import dev.portcullis.gateway.app.GatewayApplication;
import org.junit.jupiter.api.Test;
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

	@Test
	void startWhenRouteToAuthServiceLacksForwardAuthCookiesThenFailsNamingTheRouteAndTheFix() {
		String route = "--spring.cloud.gateway.server.webflux.routes[0].";
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=0",
					"--management.server.port=0", "--portcullis.gateway.jwks-uri=http://127.0.0.1:9/jwks.json",
					"--portcullis.feed-secret=" + "s".repeat(32), route + "id=my-auth", route + "uri=http://127.0.0.1:9",
					route + "predicates[0]=Path=/auth/**", route + "metadata.public=true"))
			.withStackTraceContaining("Route 'my-auth' targets the auth service")
			.withStackTraceContaining("forward-auth-cookies: true");
	}

}
