package dev.portcullis.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move forward instead of waiting: frozen at an instant, or ticking from now. */
public final class MutableClock extends Clock {

	private final Instant frozenAt;

	private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

	private MutableClock(Instant frozenAt) {
		this.frozenAt = frozenAt;
	}

	/** A clock that stands still at {@code instant} until advanced. */
	public static MutableClock frozenAt(Instant instant) {
		return new MutableClock(instant);
	}

	/** A clock that runs with real time, plus whatever it was advanced by. */
	public static MutableClock tickingFromNow() {
		return new MutableClock(null);
	}

	public void advance(Duration duration) {
		this.offset.updateAndGet((current) -> current.plus(duration));
	}

	@Override
	public Instant instant() {
		return ((this.frozenAt != null) ? this.frozenAt : Instant.now()).plus(this.offset.get());
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

}
