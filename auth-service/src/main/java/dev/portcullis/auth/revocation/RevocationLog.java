package dev.portcullis.auth.revocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.contract.revocation.RevocationEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * This replica's copy of the events that can still matter, in id order, with a signal every
 * time it grows. Only {@link RevocationSync} writes it, one poll at a time.
 */
class RevocationLog {

	/** Replaced whole by {@link #rewind}, so a reader sees either history, never a half-filled one. */
	private volatile ConcurrentSkipListMap<Long, RevocationEvent> events = new ConcurrentSkipListMap<>();

	private final AtomicLong lastId = new AtomicLong(-1);

	/** Counts {@link #rewind}s: a stream that saw another value must resync its subscriber. */
	private final AtomicLong generation = new AtomicLong();

	private final Sinks.Many<Long> grew = Sinks.many().multicast().directBestEffort();

	private final Sinks.One<Boolean> closed = Sinks.one();

	/** Whether the log has been loaded from the database; until then it cannot answer. */
	boolean loaded() {
		return this.lastId.get() >= 0;
	}

	/** The highest id this replica knows was assigned; -1 before the first load. */
	long lastId() {
		return this.lastId.get();
	}

	/** Which history the log holds; changes (after {@code lastId}) on every {@link #rewind}. */
	long generation() {
		return this.generation.get();
	}

	/** The held event with this id, or {@code null}. */
	RevocationEvent held(long id) {
		return this.events.get(id);
	}

	/** The held event with the highest id, or {@code null} when none is held. */
	RevocationEvent newest() {
		Map.Entry<Long, RevocationEvent> last = this.events.lastEntry();
		return (last != null) ? last.getValue() : null;
	}

	/** The held events with an id above {@code afterId}, in id order. */
	List<RevocationEvent> since(long afterId) {
		return new ArrayList<>(this.events.tailMap(afterId, false).values());
	}

	/**
	 * Adds events newer than any held (in id order) and raises {@code lastId} to at least
	 * {@code knownLastId}; signals subscribers once if anything changed.
	 */
	void append(List<RevocationEvent> newer, long knownLastId) {
		long before = this.lastId.get();
		long last = Math.max(before, knownLastId);
		for (RevocationEvent event : newer) {
			this.events.put(event.id(), event);
			last = Math.max(last, event.id());
		}
		// Stored before the signal: a subscriber woken by it reads what it announces.
		this.lastId.set(last);
		if (last != before) {
			this.grew.tryEmitNext(last);
		}
	}

	/**
	 * Replaces everything held with {@code held} and sets {@code lastId}, even lower than before:
	 * the table's ids went back (a restored database, a failover to a lagging replica). Streams
	 * are woken, find another generation, and resync their subscribers.
	 */
	void rewind(List<RevocationEvent> held, long knownLastId) {
		ConcurrentSkipListMap<Long, RevocationEvent> replacement = new ConcurrentSkipListMap<>();
		long last = knownLastId;
		for (RevocationEvent event : held) {
			replacement.put(event.id(), event);
			last = Math.max(last, event.id());
		}
		// The events first: a reader that sees the new lastId reads the new history.
		this.events = replacement;
		this.lastId.set(last);
		this.generation.incrementAndGet();
		this.grew.tryEmitNext(last);
	}

	/** Forgets events whose {@code until} has passed: no token they affect is valid any more. */
	void evict(long nowMillis) {
		this.events.values().removeIf((event) -> event.until() < nowMillis);
	}

	/** A signal every time the log grows; it carries the new {@code lastId}. Hot, never replays. */
	Flux<Long> growth() {
		return this.grew.asFlux();
	}

	/** Ends every open stream: the replica is stopping, and gateways should reconnect elsewhere. */
	void close() {
		this.closed.tryEmitValue(true);
	}

	/** Emits once when the log is closed; immediately for a subscriber that comes later. */
	Mono<Boolean> closing() {
		return this.closed.asMono();
	}

	int size() {
		return this.events.size();
	}

}
