package dev.portcullis.gateway.tracing;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class TracingSwitchTests {

	private MockEnvironment decide(MockEnvironment environment) {
		new TracingSwitch().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

	@Test
	void switchWhenNothingSetThenTracingOff() {
		MockEnvironment environment = decide(new MockEnvironment());
		assertThat(environment.getProperty(TracingSwitch.ACTIVE, Boolean.class)).isFalse();
		assertThat(environment.getProperty(TracingSwitch.BOOT_ENDPOINT)).isNull();
		// Reactor's default: no thread-local restoring around operators while tracing is off
		assertThat(environment.getProperty(TracingSwitch.CONTEXT_PROPAGATION)).isEqualTo("limited");
	}

	@Test
	void switchWhenPortcullisEndpointSetThenTracingOnAndBootExportsThere() {
		MockEnvironment environment = decide(new MockEnvironment()
			.withProperty(TracingSwitch.ENDPOINT, " http://collector:4318/v1/traces "));
		assertThat(environment.getProperty(TracingSwitch.ACTIVE, Boolean.class)).isTrue();
		assertThat(environment.getProperty(TracingSwitch.BOOT_ENDPOINT)).isEqualTo("http://collector:4318/v1/traces");
		assertThat(environment.getProperty(TracingSwitch.CONTEXT_PROPAGATION)).isEqualTo("auto");
	}

	@Test
	void switchWhenBootEndpointSetThenTracingOnAndItsEndpointKept() {
		MockEnvironment environment = decide(new MockEnvironment()
			.withProperty(TracingSwitch.BOOT_ENDPOINT, "http://a:4318/v1/traces")
			.withProperty(TracingSwitch.ENDPOINT, "http://b:4318/v1/traces"));
		assertThat(environment.getProperty(TracingSwitch.ACTIVE, Boolean.class)).isTrue();
		assertThat(environment.getProperty(TracingSwitch.BOOT_ENDPOINT)).isEqualTo("http://a:4318/v1/traces");
	}

	@Test
	void switchWhenBlankEndpointThenTracingOff() {
		MockEnvironment environment = decide(new MockEnvironment().withProperty(TracingSwitch.ENDPOINT, " "));
		assertThat(environment.getProperty(TracingSwitch.ACTIVE, Boolean.class)).isFalse();
	}

	@Test
	void switchWhenExplicitlyDisabledThenOffEvenWithAnEndpoint() {
		MockEnvironment environment = decide(new MockEnvironment()
			.withProperty(TracingSwitch.ENDPOINT, "http://collector:4318/v1/traces")
			.withProperty(TracingSwitch.ENABLED, "false"));
		assertThat(environment.getProperty(TracingSwitch.ACTIVE, Boolean.class)).isFalse();
	}

}
