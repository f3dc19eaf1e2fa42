package dev.portcullis.auth.web;

import java.time.Duration;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.support.AuthServiceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@AuthServiceTest
class OperationsTests {

	@Autowired
	Environment environment;

	@Test
	void healthWhenDatabaseUpThenLivenessAndReadinessUpOnManagementPort() {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.environment.getProperty("local.management.port"))
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		assertThat(this.environment.getProperty("management.endpoint.health.group.readiness.include")).contains("r2dbc");
		assertThat(this.environment.getProperty("management.endpoint.health.group.liveness.include")).doesNotContain("r2dbc");
	}

	@Test
	void propertiesWhenMasterSecretMissingOrShortThenStartUpFailsSayingHowToFix() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AuthProperties("i", "a", null, Duration.ofMinutes(15),
				Duration.ofDays(30), Duration.ofDays(7), Duration.ofSeconds(10), java.util.List.of("user"), null, null, null, null,
				null)).withMessageContaining("PORTCULLIS_AUTH_MASTER_SECRET");
		assertThatIllegalArgumentException().isThrownBy(() -> new AuthProperties("i", "a", "short", Duration.ofMinutes(15),
				Duration.ofDays(30), Duration.ofDays(7), Duration.ofSeconds(10), java.util.List.of("user"), null, null, null, null,
				null)).withMessageContaining("at least 32");
	}

	@Test
	void propertiesWhenNonsenseThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AuthProperties.Hashing(4096, 1, 1, 0, 10))
			.withMessageContaining("OWASP");
		assertThatIllegalArgumentException().isThrownBy(() -> new AuthProperties.Keys(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));
		assertThatIllegalArgumentException().isThrownBy(
				() -> new AuthProperties.Cookies("__Host-a", "__Secure-r", "/auth", false, "Lax", "Strict", null));
		assertThatIllegalArgumentException().isThrownBy(
				() -> new AuthProperties.Cookies("a", "r", "/auth", true, "Lax", "Sometimes", null));
	}

}
