package dev.portcullis.auth.session;

import java.time.Duration;
import java.time.Instant;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.config.RefreshLimitProperties;

import org.springframework.stereotype.Component;

/**
 * How many times one session may rotate its refresh token per fixed window
 * ({@code portcullis.auth.refresh-limit}). The budget lives on the session's row
 * ({@code refresh_window_start}, {@code refresh_window_count}) and is taken by the rotation
 * itself, so replicas share it without another round trip; {@link SessionRepository} states the
 * same rule in SQL ({@code ROTATION_ALLOWED}, {@code COUNT_ROTATION}) for rotations decided
 * there.
 */
@Component
class RefreshLimit {

	private final int rotations;

	private final Duration window;

	RefreshLimit(RefreshLimitProperties limit, AuthProperties auth) {
		this.rotations = limit.rotations();
		this.window = limit.windowFor(auth.accessTokenTtl());
	}

	int rotations() {
		return this.rotations;
	}

	/** A window that began at or before this instant is over at {@code now}. */
	Instant windowOpenAfter(Instant now) {
		return now.minus(this.window);
	}

	/** Whether a session whose window began at {@code windowStart} with {@code count} rotations may rotate at {@code now}. */
	boolean allows(Instant windowStart, int count, Instant now) {
		return windowStart == null || !windowStart.isAfter(windowOpenAfter(now)) || count < this.rotations;
	}

	/** Whole seconds, at least one, until the window that began at {@code windowStart} is over. */
	Duration retryAfter(Instant windowStart, Instant now) {
		long millis = Duration.between(now, windowStart.plus(this.window)).toMillis();
		return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
	}

}
