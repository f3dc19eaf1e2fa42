package dev.portcullis.auth.config;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationGuardTests {

	@Test
	void startWhenFlywayNotConfiguredThenFailsInsteadOfRunningOnAnEmptySchema() {
		new ApplicationContextRunner().withBean(MigrationGuard.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("spring.flyway.url"));
	}

}
