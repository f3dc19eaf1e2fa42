package dev.portcullis.auth.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Start-up checks of the login throttle's settings. */
class LoginSettingsTests {

	static final Duration SECOND = Duration.ofSeconds(1);

	static final Duration QUARTER = Duration.ofMinutes(15);

	@Test
	void loginWhenLimitsNonsenseThenStartUpFailsSayingWhichSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AuthProperties.Login(5, SECOND, QUARTER, 0, QUARTER, 1000, QUARTER, 5, 20))
			.withMessageContaining("portcullis.auth.login.client-failures");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuthProperties.Login(5, SECOND, QUARTER, 50, Duration.ZERO, 1000, QUARTER, 5, 20))
			.withMessageContaining("portcullis.auth.login.client-window");
		assertThatIllegalArgumentException().isThrownBy(() -> new AuthProperties.Login(5, SECOND, QUARTER, 50, QUARTER, -1, QUARTER, 5, 20))
			.withMessageContaining("portcullis.auth.login.global-failures");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuthProperties.Login(5, SECOND, QUARTER, 50, QUARTER, 1000, Duration.ofDays(2), 5, 20))
			.withMessageContaining("portcullis.auth.login.global-window");
		assertThatIllegalArgumentException().isThrownBy(() -> new AuthProperties.Login(0, SECOND, QUARTER, 50, QUARTER, 1000, QUARTER, 5, 20))
			.withMessageContaining("portcullis.auth.login.free-attempts");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuthProperties.Login(5, SECOND, QUARTER, 50, QUARTER, 1000, QUARTER, 0, 20))
			.withMessageContaining("portcullis.auth.login.client-failures-under-attack");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuthProperties.Login(5, SECOND, QUARTER, 50, QUARTER, 1000, QUARTER, 5, 0))
			.withMessageContaining("portcullis.auth.login.client-registrations");
	}

}
