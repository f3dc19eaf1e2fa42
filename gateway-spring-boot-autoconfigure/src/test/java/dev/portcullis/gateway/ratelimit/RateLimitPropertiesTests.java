package dev.portcullis.gateway.ratelimit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RateLimitPropertiesTests {

	@Test
	void constructWhenRetryAfterUnderASecondThenFailsSayingWhatToSet() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitProperties(true, RateLimitProperties.WhenRedisDown.FAIL_CLOSED,
					Duration.ofMillis(500)))
			.withMessageContaining("portcullis.gateway.rate-limit.retry-after");
	}

	@Test
	void retryAfterSecondsWhenSlowRefillThenWholeSecondsRoundedUpAndAtLeastOne() {
		assertThat(OutageAwareRateLimiter.retryAfterSeconds(0.5, 1)).isEqualTo(2);
		assertThat(OutageAwareRateLimiter.retryAfterSeconds(1, 1)).isEqualTo(1);
		assertThat(OutageAwareRateLimiter.retryAfterSeconds(50, 1)).isEqualTo(1);
		assertThat(OutageAwareRateLimiter.retryAfterSeconds(2, 5)).isEqualTo(3);
	}

}
