package dev.portcullis.gateway.ratelimit;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether the rate limits' Redis answered the last time it was asked, and since when. Each
 * change is logged once, when it happens, never per request: during an outage every limited
 * request would otherwise add a line.
 */
final class RedisAvailability {

	private static final Log logger = LogFactory.getLog(RedisAvailability.class);

	private final Clock clock;

	private final String whenDown;

	private final AtomicReference<State> state;

	/**
	 * @param clock the time of each change
	 * @param whenDown what limited routes do while Redis is down, for the log line
	 */
	RedisAvailability(Clock clock, String whenDown) {
		this.clock = clock;
		this.whenDown = whenDown;
		this.state = new AtomicReference<>(new State(null, clock.instant()));
	}

	/** Redis answered. */
	void answered() {
		State current = this.state.get();
		if (current.answering() != Boolean.TRUE
				&& this.state.compareAndSet(current, new State(true, this.clock.instant()))) {
			if (current.answering() == null) {
				logger.info("Rate-limit Redis answers: rate limits apply");
			}
			else {
				logger.info("Rate-limit Redis answers again after " + secondsSince(current.since())
						+ "s: rate limits apply again");
			}
		}
	}

	/** Redis did not answer (refused, timed out, or failed the script). */
	void failed() {
		State current = this.state.get();
		if (current.answering() != Boolean.FALSE
				&& this.state.compareAndSet(current, new State(false, this.clock.instant()))) {
			logger.warn("Rate-limit Redis does not answer: limited routes now " + this.whenDown
					+ " until it does (logged again when it answers)");
		}
	}

	State state() {
		return this.state.get();
	}

	long secondsSince(Instant since) {
		return Math.max(0, this.clock.instant().getEpochSecond() - since.getEpochSecond());
	}

	/**
	 * @param answering whether Redis answered last time; {@code null} before it was first asked
	 * @param since when that last changed (start-up at first)
	 */
	record State(Boolean answering, Instant since) {

		boolean available() {
			return Boolean.TRUE.equals(this.answering);
		}

	}

}
