package dev.portcullis.auth.proof;

import java.time.Duration;

import dev.portcullis.auth.proof.SessionBindingProperties.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code portcullis.auth.session-binding} and {@code proof-window}: defaults, spellings, and refusals at start-up. */
class SessionBindingSettingsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

	@Test
	void bindWhenNothingSetThenOptionalWithASixtySecondWindow() {
		this.runner.run((context) -> {
			SessionBindingProperties properties = context.getBean(SessionBindingProperties.class);
			assertThat(properties.sessionBinding()).isEqualTo(Mode.OPTIONAL);
			assertThat(properties.proofWindow()).isEqualTo(Duration.ofSeconds(60));
		});
	}

	@ParameterizedTest
	@CsvSource({ "off, OFF", "false, OFF", "optional, OPTIONAL", "REQUIRED, REQUIRED", "required, REQUIRED" })
	void bindWhenSpelledAsYamlMayThenThatMode(String value, Mode mode) {
		// YAML reads an unquoted off as false; Spring Boot maps false to OFF
		this.runner.withPropertyValues("portcullis.auth.session-binding=" + value)
			.run((context) -> assertThat(context.getBean(SessionBindingProperties.class).sessionBinding()).isEqualTo(mode));
	}

	@Test
	void startWhenUnknownModeThenFailsNamingTheSetting() {
		this.runner.withPropertyValues("portcullis.auth.session-binding=sometimes")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("portcullis.auth.session-binding"));
	}

	@Test
	void startWhenProofWindowOutOfRangeThenFailsNamingTheSetting() {
		this.runner.withPropertyValues("portcullis.auth.proof-window=1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("portcullis.auth.proof-window must be between 5s and 10m"));
	}

	@EnableConfigurationProperties(SessionBindingProperties.class)
	static class Config {

	}

}
