package dev.portcullis.gateway.server;

import java.time.Duration;

import dev.portcullis.server.ServerLimits;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code portcullis.server.*} as the gateway binds it: the shared limits and the gateway's own body
 * timeouts, with the gateway's defaults.
 */
class ServerLimitsBindingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Binding.class);

	@Test
	void bindWhenNothingSetThenTheDefaults() {
		this.runner.run((context) -> {
			assertThat(context.getBean(ServerLimits.class))
				.isEqualTo(new ServerLimits(Duration.ofSeconds(10), 100, 1000));
			assertThat(context.getBean(BodyTimeouts.class)).isEqualTo(new BodyTimeouts(Duration.ofSeconds(20), Duration.ofMinutes(5)));
		});
	}

	@Test
	void bindWhenSetThenBothRecordsTakeTheirOwnSettings() {
		this.runner
			.withPropertyValues("portcullis.server.max-connections=7", "portcullis.server.body-read-timeout=3s",
					"portcullis.server.body-timeout=4s")
			.run((context) -> {
				assertThat(context.getBean(ServerLimits.class).maxConnections()).isEqualTo(7);
				assertThat(context.getBean(BodyTimeouts.class))
					.isEqualTo(new BodyTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(4)));
			});
	}

	@Test
	void bindWhenBodyTimeoutZeroThenStartFailsWithTheSettingToFix() {
		this.runner.withPropertyValues("portcullis.server.body-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("portcullis.server.body-timeout must be a positive duration such as 5m"));
	}

	@EnableConfigurationProperties({ ServerLimits.class, BodyTimeouts.class })
	static class Binding {

	}

}
