package dev.portcullis.auth.revocation;

import java.util.ArrayList;
import java.util.List;
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

	private final ConcurrentSkipListMap<Long, RevocationEvent> events = new ConcurrentSkipListMap<>();

	private final AtomicLong lastId = new AtomicLong(-1);

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
