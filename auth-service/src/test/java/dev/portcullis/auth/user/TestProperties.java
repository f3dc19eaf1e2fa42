package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.List;

import dev.portcullis.auth.config.AuthProperties;

/** Settings for tests that build a single component by hand. */
final class TestProperties {

	private TestProperties() {
	}

	static AuthProperties withHashing(AuthProperties.Hashing hashing) {
		return new AuthProperties("portcullis", "portcullis", "a-test-master-secret-at-least-32-chars", Duration.ofMinutes(15),
				Duration.ofDays(30), Duration.ofDays(7), Duration.ofSeconds(10), List.of("user"),
				new AuthProperties.Cookies("__Host-access_token", "__Secure-refresh_token", "/auth", true, "Lax", "Strict", null),
				new AuthProperties.Keys(Duration.ofDays(30), Duration.ofMinutes(10), Duration.ofSeconds(30)), hashing,
				new AuthProperties.Login(5, Duration.ofSeconds(1), Duration.ofMinutes(15), 50, Duration.ofMinutes(15), 1000,
						Duration.ofMinutes(5), 5, 20),
				new AuthProperties.Purge(Duration.ofMinutes(10), 1000, Duration.ofDays(90)));
	}

}
