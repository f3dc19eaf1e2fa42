package dev.portcullis.auth.config;

import dev.portcullis.auth.AuthServiceApplication;
import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUserGuardTests {

	@Test
	void startWhenPostgresqlAndNoUserConfiguredThenFailsNamingTheSetting() {
		TestDatabase db = TestDatabase.get();
		assertThatThrownBy(() -> {
			try (ConfigurableApplicationContext started = SpringApplication.run(AuthServiceApplication.class,
					"--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.flyway.url=" + db.jdbcUrl(), "--server.port=0",
					"--management.server.port=0", "--portcullis.auth.master-secret=test-master-secret-of-at-least-32-characters",
					"--portcullis.feed-secret=a-test-revocation-feed-secret-of-at-least-32-characters")) {
				// started as some user nobody chose: the assertion below reports it
			}
		}).isInstanceOf(IllegalStateException.class).hasMessageContaining("PORTCULLIS_DB_USER").hasMessageContaining("spring.r2dbc.username");
	}

	@Test
	void startWhenUserInTheUrlThenAccepted() {
		new ApplicationContextRunner().withBean(DatabaseUserGuard.class)
			.withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://portcullis@db.internal:5432/portcullis")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenEmbeddedDatabaseThenNoUserNeeded() {
		new ApplicationContextRunner().withBean(DatabaseUserGuard.class)
			.withPropertyValues("spring.r2dbc.url=r2dbc:h2:mem:///portcullis")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenUserBlankThenFails() {
		new ApplicationContextRunner().withBean(DatabaseUserGuard.class)
			.withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://db.internal:5432/portcullis", "spring.r2dbc.username= ")
			.run((context) -> assertThat(context).hasFailed().getFailure().hasMessageContaining("PORTCULLIS_DB_USER"));
	}

}
