package dev.portcullis.auth.revocation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

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
 *
 * <p>When the ids went back (the subscriber's {@code after} is ahead of the log's last id or
 * names another event than the one it applied, or the log was {@link RevocationLog#rewind
 * rewound} under an open stream), a {@link RevocationFeed#EVENT_RESYNC} goes first, telling the
 * subscriber to drop its position, then everything held from the start.
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

	/**
	 * Events after {@code after}; or a resync and all held if {@code after} is not a position in
	 * this log's history.
	 * @param after the id of the last event the subscriber applied
	 * @param afterAt that event's {@code at} as the subscriber applied it, or {@code null}
	 */
	Flux<ServerSentEvent<Object>> after(long after, Long afterAt) {
		return Flux.defer(() -> {
			long generation = this.log.generation();
			RevocationEvent applied = this.log.held(after);
			boolean otherHistory = afterAt != null && applied != null && applied.at() != afterAt;
			// another generation than the log's: the first wake-up resyncs
			Cursor cursor = new Cursor(after, otherHistory ? generation - 1 : generation);
			Flux<Boolean> wakeups = Flux.merge(this.log.growth().map((last) -> false), Mono.just(false),
					Flux.interval(this.properties.heartbeatInterval(), this.properties.heartbeatInterval()).map((n) -> true));
			return wakeups.onBackpressureLatest()
				.concatMap((heartbeat) -> Flux.fromIterable(next(cursor, heartbeat)))
				// An endless stream would hold graceful shutdown for its whole timeout.
				.takeUntilOther(this.log.closing());
		});
	}

	private List<ServerSentEvent<Object>> next(Cursor cursor, boolean heartbeat) {
		// generation before lastId: a rewind sets lastId first, so a new generation comes with its lastId
		long generation = this.log.generation();
		// lastId first: every event up to it is already in the log, so the cursor may move to it.
		long last = this.log.lastId();
		List<ServerSentEvent<Object>> out = new ArrayList<>();
		long position = cursor.position;
		if (position > last || generation != cursor.generation) {
			// the ids went back: say so before the replay from the start, so it is not skipped
			out.add(ServerSentEvent.builder((Object) new FeedHeartbeat(last, this.clock.millis()))
				.event(RevocationFeed.EVENT_RESYNC)
				.build());
			position = 0;
			cursor.generation = generation;
		}
		for (RevocationEvent event : this.log.since(position)) {
			out.add(ServerSentEvent.builder((Object) event)
				.event(RevocationFeed.EVENT_REVOCATION)
				.id(Long.toString(event.id()))
				.build());
			position = event.id();
		}
		position = Math.max(position, last);
		cursor.position = position;
		if (heartbeat) {
			out.add(ServerSentEvent.builder((Object) new FeedHeartbeat(position, this.clock.millis()))
				.event(RevocationFeed.EVENT_HEARTBEAT)
				.build());
		}
		return out;
	}

	/** One subscriber's place; read and written by one wake-up at a time. */
	private static final class Cursor {

		volatile long position;

		volatile long generation;

		Cursor(long position, long generation) {
			this.position = position;
			this.generation = generation;
		}

	}

}
