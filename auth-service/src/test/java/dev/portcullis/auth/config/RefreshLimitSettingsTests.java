package dev.portcullis.auth.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The per-session refresh limit refuses, at start-up, settings a browser would hit. */
class RefreshLimitSettingsTests {

	@Test
	void windowWhenUnsetThenTheAccessTokenLifetime() {
		assertThat(new RefreshLimitProperties(6, null).windowFor(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void rotationsWhenFewerThanTwoPerAccessTokenLifetimeInTheWindowThenStartUpRefusedNamingTheFix() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RefreshLimitProperties(7, Duration.ofHours(1)).windowFor(Duration.ofMinutes(15)))
			.withMessageContaining("portcullis.auth.refresh-limit.rotations")
			.withMessageContaining("at least 8");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RefreshLimitProperties(1, null).windowFor(Duration.ofMinutes(15)))
			.withMessageContaining("at least 2");
		assertThat(new RefreshLimitProperties(8, Duration.ofHours(1)).windowFor(Duration.ofMinutes(15)))
			.isEqualTo(Duration.ofHours(1));
	}

	@Test
	void windowWhenZeroThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RefreshLimitProperties(6, Duration.ZERO))
			.withMessageContaining("portcullis.auth.refresh-limit.window must be positive");
	}

}
