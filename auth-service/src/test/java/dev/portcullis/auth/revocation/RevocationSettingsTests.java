package dev.portcullis.auth.revocation;

import java.time.Clock;
import java.time.Duration;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.support.AuthClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Start-up checks and the refusals that need no server. */
class RevocationSettingsTests {

	@Test
	void feedPropertiesWhenSecretMissingOrShortThenStartUpFailsSayingWhatToSet() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FeedProperties(null))
			.withMessageContaining("portcullis.feed-secret")
			.withMessageContaining("PORTCULLIS_FEED_SECRET");
		assertThatIllegalArgumentException().isThrownBy(() -> new FeedProperties("too-short"))
			.withMessageContaining("at least 32");
		assertThat(new FeedProperties(AuthClient.FEED_SECRET).toString()).doesNotContain(AuthClient.FEED_SECRET);
	}

	@Test
	void revocationPropertiesWhenNonsenseThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RevocationProperties(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5)))
			.withMessageContaining("portcullis.auth.revocation.poll-interval");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RevocationProperties(Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofMinutes(5)))
			.withMessageContaining("heartbeat-interval");
	}

	@Test
	void feedWhenLogNotLoadedYetThenUnavailable() {
		RevocationLog log = new RevocationLog();
		RevocationProperties properties = new RevocationProperties(Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofMinutes(5));
		RevocationFeedController controller = new RevocationFeedController(
				new FeedGuard(new FeedProperties(AuthClient.FEED_SECRET)), log,
				new RevocationStream(log, properties, Clock.systemUTC()));
		assertThatExceptionOfType(AuthException.class)
			.isThrownBy(() -> controller.feed("Bearer " + AuthClient.FEED_SECRET, "0", null))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE));
		assertThatExceptionOfType(AuthException.class).isThrownBy(() -> controller.feed(null, "0", null))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FEED_UNAUTHORIZED));
	}

}
