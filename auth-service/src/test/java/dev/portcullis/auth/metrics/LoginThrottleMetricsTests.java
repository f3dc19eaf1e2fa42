package dev.portcullis.auth.metrics;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.portcullis.auth.support.AuthClient.PASSWORD;
import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static dev.portcullis.auth.support.AuthClient.uniqueIp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slowed-down login is counted as throttled. Blocks last an hour, so the answer cannot depend
 * on how fast the machine is; the same settings as the lock-out tests, so their context is shared.
 */
@AuthServiceTest
@TestPropertySource(properties = "portcullis.auth.login.initial-delay=1h")
class LoginThrottleMetricsTests {

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry registry;

	@Test
	void loginWhenSlowedDownThenThrottledCounted() {
		AuthClient auth = new AuthClient(this.client);
		String email = uniqueEmail();
		String ip = uniqueIp();
		auth.register(email, PASSWORD).expectStatus().isCreated();
		double throttled = this.registry.get("portcullis.auth.logins").tag("outcome", "throttled").counter().count();
		double invalid = this.registry.get("portcullis.auth.logins").tag("outcome", "invalid_credentials").counter().count();

		for (int i = 0; i < 5; i++) {
			auth.login(email, "wrong guess " + i, ip).expectStatus().isUnauthorized();
		}
		auth.login(email, PASSWORD, ip).expectStatus().isEqualTo(429);

		assertThat(this.registry.get("portcullis.auth.logins").tag("outcome", "invalid_credentials").counter().count())
			.isEqualTo(invalid + 5);
		assertThat(this.registry.get("portcullis.auth.logins").tag("outcome", "throttled").counter().count())
			.isEqualTo(throttled + 1);
	}

}
