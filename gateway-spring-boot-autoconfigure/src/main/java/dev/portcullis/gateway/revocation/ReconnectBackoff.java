package dev.portcullis.gateway.revocation;

import java.time.Duration;

import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * How long the feed client waits before its next attempt: exponential from a first delay,
 * doubling per failed attempt in a row, to a cap that depends on how the last attempt failed,
 * with jitter so that many gateways do not retry in step.
 *
 * <ul>
 * <li>{@link Failure#REFUSED}: the feed answered, but not with a stream (a 4xx such as 404 or
 * 401, or not {@code text/event-stream}). That is a configuration to fix and each attempt costs
 * the auth service a request, so the wait grows to the long cap.</li>
 * <li>{@link Failure#UNAVAILABLE}: no answer, a 5xx, or a stream that ended or went silent. The
 * auth service is restarting or unreachable and comes back by itself; revocations made
 * meanwhile apply at the first attempt after it is back, so the wait grows to the short cap
 * only.</li>
 * </ul>
 *
 * <p>The jitter is "equal jitter": the wait is between half and all of the exponential figure,
 * so it never exceeds the cap and never falls below half of it.
 *
 * @param first wait after the first failure
 * @param refusedCap longest wait after a refusal
 * @param unavailableCap longest wait while the feed is unavailable
 */
record ReconnectBackoff(Duration first, Duration refusedCap, Duration unavailableCap) {

	ReconnectBackoff {
		if (first.isNegative() || first.isZero() || unavailableCap.compareTo(first) < 0
				|| refusedCap.compareTo(unavailableCap) < 0) {
			throw new IllegalArgumentException("Need 0 < first <= unavailableCap <= refusedCap, got " + first + ", "
					+ unavailableCap + ", " + refusedCap);
		}
	}

	/**
	 * The wait before the next attempt.
	 * @param failedInARow attempts failed in a row, this one included (1 or more)
	 * @param failure how the last attempt failed
	 * @param random a uniform draw in [0, 1)
	 * @return between half and all of {@code min(cap, first * 2^(failedInARow - 1))}
	 */
	Duration delay(int failedInARow, Failure failure, double random) {
		long cap = ((failure == Failure.REFUSED) ? this.refusedCap : this.unavailableCap).toNanos();
		long first = this.first.toNanos();
		int doublings = Math.max(0, failedInARow - 1);
		long exponential = (doublings >= Long.numberOfLeadingZeros(first) - 1 || (first << doublings) > cap) ? cap
				: first << doublings;
		long half = exponential / 2;
		return Duration.ofNanos(half + (long) ((exponential - half) * random));
	}

	/**
	 * Sorts a failure of the feed client.
	 * @param ex what ended the attempt
	 * @return {@link Failure#REFUSED} for an answer that is not a stream and will not become one
	 * by itself, else {@link Failure#UNAVAILABLE}
	 */
	static Failure failureOf(Throwable ex) {
		if (ex instanceof WebClientResponseException response) {
			return response.getStatusCode().is4xxClientError() ? Failure.REFUSED : Failure.UNAVAILABLE;
		}
		return (ex instanceof NotAFeedException) ? Failure.REFUSED : Failure.UNAVAILABLE;
	}

	/** How an attempt failed, which decides the cap of the next wait. */
	enum Failure {

		/** Answered, but not with the feed: a misconfiguration or a refused secret. */
		REFUSED,

		/** No answer, a server error, or the stream ended or went silent. */
		UNAVAILABLE

	}

	/** A 2xx answer that is not {@code text/event-stream}: the URI names something else. */
	static final class NotAFeedException extends IllegalStateException {

		NotAFeedException(String message) {
			super(message);
		}

	}

}
