package dev.portcullis.auth.revocation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.contract.revocation.FeedHeartbeat;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.contract.revocation.RevocationFeed;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

/**
 * One subscriber's view of the log: what it missed, then what comes, then heartbeats.
 *
 * <p>Each subscriber keeps a cursor and, on every wake-up (the log grew, the first one, each
 * heartbeat), sends everything after it. The growth signal is subscribed before the first read,
 * so an event appended at any moment is either in that read or announced afterwards: none falls
 * between catch-up and live.
 */
@Component
class RevocationStream {

	private final RevocationLog log;

	private final RevocationProperties properties;

	private final Clock clock;

	RevocationStream(RevocationLog log, RevocationProperties properties, Clock clock) {
		this.log = log;
		this.properties = properties;
		this.clock = clock;
	}

	/** Events after {@code after}, or all held if {@code after} is ahead of this log (a reset database). */
	Flux<ServerSentEvent<Object>> after(long after) {
		return Flux.defer(() -> {
			AtomicLong cursor = new AtomicLong((after > this.log.lastId()) ? 0 : after);
			Flux<Boolean> wakeups = Flux.merge(this.log.growth().map((last) -> false), Mono.just(false),
					Flux.interval(this.properties.heartbeatInterval(), this.properties.heartbeatInterval()).map((n) -> true));
			return wakeups.onBackpressureLatest()
				.concatMap((heartbeat) -> Flux.fromIterable(next(cursor, heartbeat)))
				// An endless stream would hold graceful shutdown for its whole timeout.
				.takeUntilOther(this.log.closing());
		});
	}

	private List<ServerSentEvent<Object>> next(AtomicLong cursor, boolean heartbeat) {
		// lastId first: every event up to it is already in the log, so the cursor may move to it.
		long last = this.log.lastId();
		List<ServerSentEvent<Object>> out = new ArrayList<>();
		long position = cursor.get();
		for (RevocationEvent event : this.log.since(position)) {
			out.add(ServerSentEvent.builder((Object) event)
				.event(RevocationFeed.EVENT_REVOCATION)
				.id(Long.toString(event.id()))
				.build());
			position = event.id();
		}
		position = Math.max(position, last);
		cursor.set(position);
		if (heartbeat) {
			out.add(ServerSentEvent.builder((Object) new FeedHeartbeat(position, this.clock.millis()))
				.event(RevocationFeed.EVENT_HEARTBEAT)
				.build());
		}
		return out;
	}

}
