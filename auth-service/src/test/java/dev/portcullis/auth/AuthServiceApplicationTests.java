package dev.portcullis.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line the service's jar accepts: settings only, never a command. */
class AuthServiceApplicationTests {

	@Test
	void seedSessionsWordIsRefusedNamingTheSeederJar() {
		assertThat(AuthServiceApplication.refusal(new String[] { "seed-sessions", "--count=10",
				"--i-know-this-is-not-production" }))
			.contains("Unexpected argument 'seed-sessions'")
			.contains("settings only")
			.contains("portcullis-load-test-seeder");
	}

	@Test
	void anyBareWordAfterSettingsIsRefused() {
		assertThat(AuthServiceApplication.refusal(new String[] { "--spring.profiles.active=embedded", "list" }))
			.contains("Unexpected argument 'list'");
	}

	@Test
	void settingsAloneStartTheService() {
		assertThat(AuthServiceApplication.refusal(new String[] { "--spring.profiles.active=embedded",
				"--server.address=127.0.0.1" })).isNull();
		assertThat(AuthServiceApplication.refusal(new String[0])).isNull();
	}

}
