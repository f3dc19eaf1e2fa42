package dev.portcullis.auth.aot;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** The build-time decisions Spring AOT freezes, and what a run that contradicts them is told. */
class FrozenSwitchesTests {

	@Test
	void sameSettingsAsTheBuildMayUseTheAotCode() {
		Properties built = FrozenSwitches.record(shipped());

		assertThat(FrozenSwitchesGuard.changes(shipped(), built)).isNull();
	}

	@Test
	void onlyThePortNumberChangingMayUseTheAotCodeSinceTheManagementServerStaysSeparate() {
		Properties built = FrozenSwitches.record(shipped());

		assertThat(FrozenSwitchesGuard.changes(shipped().withProperty("management.server.port", "19081"), built)).isNull();
	}

	@Test
	void tracingTurnedOnAfterTheBuildIsNamedWithBothValues() {
		Properties built = FrozenSwitches.record(shipped());
		MockEnvironment traced = shipped().withProperty("management.tracing.export.enabled", "true")
			.withProperty("management.opentelemetry.tracing.export.otlp.endpoint", "http://collector:4318/v1/traces");

		assertThat(FrozenSwitchesGuard.changes(traced, built))
			.contains("management.tracing.export.enabled is true here but was false when the jar was built")
			.contains("management.opentelemetry.tracing.export.otlp.endpoint is set here but was unset");
	}

	@Test
	void schedulesSwitchedOffAfterTheBuildAreNamed() {
		Properties built = FrozenSwitches.record(shipped());

		assertThat(FrozenSwitchesGuard.changes(shipped().withProperty("portcullis.auth.scheduling.enabled", "false"), built))
			.isEqualTo("portcullis.auth.scheduling.enabled is false here but was true when the jar was built");
	}

	@Test
	void managementMovedOntoTheServedPortIsNamed() {
		Properties built = FrozenSwitches.record(shipped());

		assertThat(FrozenSwitchesGuard.changes(shipped().withProperty("management.server.port", "8081"), built))
			.contains("management.server.port is SAME here but was DIFFERENT");
	}

	@Test
	void aRecordWithoutASwitchCountsAsChangedRatherThanGuess() {
		Properties built = FrozenSwitches.record(shipped());
		built.remove("spring.flyway.enabled");

		assertThat(FrozenSwitches.changes(built, FrozenSwitches.of(shipped())))
			.contains("spring.flyway.enabled is true here but was null");
	}

	/** The switches as application.yml ships them, with no environment variables set. */
	private static MockEnvironment shipped() {
		return new MockEnvironment().withProperty("server.port", "8081")
			.withProperty("management.server.port", "9081")
			.withProperty("management.tracing.export.enabled", "false")
			.withProperty("management.endpoint.health.probes.enabled", "true")
			.withProperty("spring.webflux.problemdetails.enabled", "true");
	}

}
