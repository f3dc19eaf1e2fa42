package dev.portcullis.gateway.revocation;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;

import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.revocation.ReconnectBackoff.Failure;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The reconnection schedule as a pure function, on the shipped figures. */
class ReconnectBackoffTests {

	private static final Duration WINDOW = Duration.ofSeconds(30);

	/** The back-off the shipped defaults make. */
	private static ReconnectBackoff shipped() {
		GatewayProperties.Revocation revocation = new Binder(new MapConfigurationPropertySource(
				Map.of("portcullis.gateway.jwks-uri", "http://auth/jwks.json", "portcullis.gateway.revocation.feed-uri",
						"http://auth/internal/revocations")))
			.bindOrCreate("portcullis.gateway", GatewayProperties.class)
			.revocation();
		return new ReconnectBackoff(revocation.reconnectDelay(), revocation.maxReconnectDelay(),
				revocation.maxOutageReconnectDelay());
	}

	/** Attempts made within the window when each fails the same way, the first at time 0. */
	private static int attemptsWithin(ReconnectBackoff backoff, Failure failure, Duration window,
			java.util.function.DoubleSupplier random) {
		long at = 0;
		int attempts = 0;
		while (at < window.toNanos()) {
			attempts++;
			at += backoff.delay(attempts, failure, random.getAsDouble()).toNanos();
		}
		return attempts;
	}

	@Test
	void delayWhenShippedSettingsThenFirstWaitQuarterSecondAndCapsThirtyAndOneSeconds() {
		ReconnectBackoff backoff = shipped();
		assertThat(backoff.first()).isEqualTo(Duration.ofMillis(250));
		assertThat(backoff.refusedCap()).isEqualTo(Duration.ofSeconds(30));
		assertThat(backoff.unavailableCap()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void delayWhenShippedFeedRefusesForThirtySecondsThenAtMostEightAttempts() {
		ReconnectBackoff backoff = shipped();
		// shortest waits (every draw 0): 125 ms, 250 ms, ... 16 s: attempts at 0, 0.125, 0.375, ... 15.9 s
		assertThat(attemptsWithin(backoff, Failure.REFUSED, WINDOW, () -> 0.0)).isEqualTo(8);
		assertThat(attemptsWithin(backoff, Failure.REFUSED, WINDOW, () -> 0.999_999)).isEqualTo(7);
		SplittableRandom random = new SplittableRandom(42);
		for (int run = 0; run < 1000; run++) {
			assertThat(attemptsWithin(backoff, Failure.REFUSED, WINDOW, random::nextDouble)).isBetween(7, 8);
		}
		// then one every 15 to 30 s
		int inNinety = attemptsWithin(backoff, Failure.REFUSED, Duration.ofSeconds(90), () -> 0.0);
		assertThat(inNinety).isLessThanOrEqualTo(8 + 4);
	}

	@Test
	void delayWhenShippedFeedUnreachableThenNeverWaitsMoreThanASecond() {
		ReconnectBackoff backoff = shipped();
		for (int attempt = 1; attempt < 1000; attempt++) {
			assertThat(backoff.delay(attempt, Failure.UNAVAILABLE, 0.999_999)).isLessThanOrEqualTo(Duration.ofSeconds(1));
		}
		assertThat(backoff.delay(1000, Failure.UNAVAILABLE, 0.0)).isEqualTo(Duration.ofMillis(500));
		// at most two attempts a second while the auth service is down, against two to ten before
		assertThat(attemptsWithin(backoff, Failure.UNAVAILABLE, WINDOW, () -> 0.0)).isLessThanOrEqualTo(62);
	}

	@Test
	void delayWhenAttemptsFailInARowThenDoublesWithinHalfToAllOfIt() {
		ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(1));
		assertThat(backoff.delay(1, Failure.REFUSED, 0.0)).isEqualTo(Duration.ofMillis(50));
		assertThat(backoff.delay(1, Failure.REFUSED, 0.5)).isEqualTo(Duration.ofMillis(75));
		assertThat(backoff.delay(2, Failure.REFUSED, 0.0)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.delay(4, Failure.REFUSED, 0.0)).isEqualTo(Duration.ofMillis(400));
		assertThat(backoff.delay(4, Failure.UNAVAILABLE, 0.0)).isEqualTo(Duration.ofMillis(400));
		assertThat(backoff.delay(5, Failure.UNAVAILABLE, 0.0)).isEqualTo(Duration.ofMillis(500));
		assertThat(backoff.delay(5, Failure.REFUSED, 0.0)).isEqualTo(Duration.ofMillis(800));
	}

	@Test
	void delayWhenManyAttemptsFailedThenNeverAboveTheCapNorOverflows() {
		ReconnectBackoff backoff = shipped();
		for (int attempt : new int[] { 9, 10, 20, 40, 63, 64, 65, 1000, Integer.MAX_VALUE }) {
			assertThat(backoff.delay(attempt, Failure.REFUSED, 0.999_999)).isLessThanOrEqualTo(Duration.ofSeconds(30))
				.isGreaterThanOrEqualTo(Duration.ofSeconds(29));
			assertThat(backoff.delay(attempt, Failure.REFUSED, 0.0)).isEqualTo(Duration.ofSeconds(15));
		}
	}

	@Test
	void failureOfWhenAnsweredWithoutAStreamThenRefused() {
		assertThat(ReconnectBackoff.failureOf(answer(404))).isEqualTo(Failure.REFUSED);
		assertThat(ReconnectBackoff.failureOf(answer(401))).isEqualTo(Failure.REFUSED);
		assertThat(ReconnectBackoff.failureOf(new ReconnectBackoff.NotAFeedException("answered application/json")))
			.isEqualTo(Failure.REFUSED);
	}

	@Test
	void failureOfWhenNoAnswerOrServerErrorOrLostStreamThenUnavailable() {
		assertThat(ReconnectBackoff.failureOf(answer(503))).isEqualTo(Failure.UNAVAILABLE);
		assertThat(ReconnectBackoff.failureOf(answer(502))).isEqualTo(Failure.UNAVAILABLE);
		assertThat(ReconnectBackoff.failureOf(new ConnectException("Connection refused"))).isEqualTo(Failure.UNAVAILABLE);
		assertThat(ReconnectBackoff.failureOf(new IOException("Connection reset"))).isEqualTo(Failure.UNAVAILABLE);
		assertThat(ReconnectBackoff.failureOf(new TimeoutException("stale"))).isEqualTo(Failure.UNAVAILABLE);
	}

	@Test
	void constructorWhenCapsOutOfOrderThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(1)));
		assertThatIllegalArgumentException().isThrownBy(
				() -> new ReconnectBackoff(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ReconnectBackoff(Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(1)));
	}

	private static WebClientResponseException answer(int status) {
		return WebClientResponseException.create(status, "status " + status, HttpHeaders.EMPTY, new byte[0],
				StandardCharsets.UTF_8);
	}

}
