package dev.portcullis.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * One kind of warning that can repeat once per request (an upstream or database outage, a
 * flood): at most one line per period, which also says how many were held back since the last
 * one. Never a stack trace: the exception's one-line description is enough to act on.
 */
public final class ThrottledWarning {

	private final Logger logger;

	private final long periodNanos;

	private final AtomicLong next = new AtomicLong(System.nanoTime());

	private final AtomicLong held = new AtomicLong();

	/**
	 * @param logger where the lines go
	 * @param period least time between two lines
	 */
	public ThrottledWarning(Logger logger, Duration period) {
		this.logger = logger;
		this.periodNanos = period.toNanos();
	}

	/**
	 * Logs {@code message} and {@code cause}'s description, unless a line was logged within the period.
	 * @param message what happened
	 * @param cause why, described in one line
	 */
	public void warn(String message, Throwable cause) {
		long now = System.nanoTime();
		long due = this.next.get();
		if (now - due < 0 || !this.next.compareAndSet(due, now + this.periodNanos)) {
			this.held.incrementAndGet();
			return;
		}
		long held = this.held.getAndSet(0);
		if (held > 0) {
			this.logger.warn("{}: {} ({} more like it not logged since the last)", message, cause.toString(), held);
		}
		else {
			this.logger.warn("{}: {}", message, cause.toString());
		}
	}

}
