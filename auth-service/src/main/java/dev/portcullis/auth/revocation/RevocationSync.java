package dev.portcullis.auth.revocation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.portcullis.contract.revocation.RevocationEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the {@link RevocationLog} in step with the table: loads it at start, then reads what
 * is newer every poll interval and whenever a wake-up signal arrives, one read at a time.
 */
@Component
class RevocationSync implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(RevocationSync.class);

	static final int BATCH = 1000;

	private final RevocationRepository repository;

	private final RevocationLog log;

	private final RevocationWakeups wakeups;

	private final LocalCommits localCommits;

	private final RevocationProperties properties;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private volatile Disposable loop;

	RevocationSync(RevocationRepository repository, RevocationLog log, RevocationWakeups wakeups,
			LocalCommits localCommits, RevocationProperties properties, Clock clock, ApplicationEventPublisher events) {
		this.repository = repository;
		this.log = log;
		this.wakeups = wakeups;
		this.localCommits = localCommits;
		this.properties = properties;
		this.clock = clock;
		this.events = events;
	}

	@Override
	public synchronized void start() {
		if (this.loop == null) {
			this.loop = Flux
				.merge(Flux.interval(Duration.ZERO, this.properties.pollInterval()), this.wakeups.signals(),
						this.localCommits.signals())
				.onBackpressureLatest()
				.concatMap((signal) -> sync().onErrorResume((ex) -> {
					// The next tick retries; the feed keeps serving what it holds meanwhile.
					logger.warn("Could not read revocation events: {}", ex.toString());
					return Mono.empty();
				}), 1)
				.subscribe();
		}
	}

	@Override
	public synchronized void stop() {
		// Stopped before the web server's graceful shutdown (higher phase), so open feeds end first.
		this.log.close();
		if (this.loop != null) {
			this.loop.dispose();
			this.loop = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.loop != null;
	}

	/** Loads the log on the first call, then appends what was committed since. */
	Mono<Void> sync() {
		if (!this.log.loaded()) {
			// Read the counter first: every id up to it is committed, so none is skipped later.
			return this.repository.lastId()
				.flatMap((counter) -> readAfter(0).doOnNext((events) -> this.log.append(events, counter)))
				.then(Mono.<Void>fromRunnable(this::evict))
				.doOnSuccess((done) -> logger.info("Revocation log loaded: {} live events, last id {}", this.log.size(),
						this.log.lastId()));
		}
		long held = this.log.lastId();
		RevocationEvent newest = this.log.newest();
		// Reads from the newest held event, inclusive, to check that the table still has it.
		long from = (newest != null) ? newest.id() - 1 : held;
		return this.repository.lastId()
			.zipWhen((counter) -> readAfter(from))
			.flatMap((read) -> {
				long counter = read.getT1();
				List<RevocationEvent> events = read.getT2();
				if (counter < held) {
					return rewind("its counter is " + counter + ", below the last id " + held + " served here", counter);
				}
				if (replaced(newest, events)) {
					return rewind("id " + newest.id() + " now names another event", counter);
				}
				List<RevocationEvent> newer = events.stream().filter((event) -> event.id() > held).toList();
				this.log.append(newer, held);
				announceKeys(newer);
				return Mono.<Void>empty();
			})
			.then(Mono.<Void>fromRunnable(this::evict));
	}

	/** Whether the table holds another event under the newest held event's id: a history that went back and grew again. */
	private static boolean replaced(RevocationEvent newest, List<RevocationEvent> events) {
		return newest != null && !events.isEmpty() && events.get(0).id() == newest.id() && !events.get(0).equals(newest);
	}

	/**
	 * The table went back (a restored database, a failover to a lagging replica): its counter is
	 * below what this replica served, or an id it served now names another event. Reloads from
	 * the start, so events that reuse old ids are served; every open stream then resyncs its
	 * gateway (see {@link RevocationStream}). Key events are announced as if new, so the key ring
	 * reloads from the database it now reads.
	 */
	private Mono<Void> rewind(String evidence, long counter) {
		logger.warn("The revocation events went back ({}): the database restored, or failed over to a lagging replica?"
				+ " Reloading the revocation log from the start; gateways resync", evidence);
		return readAfter(0).doOnNext((events) -> this.log.rewind(events, counter)).doOnNext(this::announceKeys).then();
	}

	private Mono<List<RevocationEvent>> readAfter(long afterId) {
		return this.repository.findAfter(afterId, BATCH)
			.collectList()
			.expand((batch) -> (batch.size() < BATCH) ? Mono.empty()
					: this.repository.findAfter(batch.get(batch.size() - 1).id(), BATCH).collectList())
			.flatMapIterable((batch) -> batch)
			.collectList();
	}

	private void announceKeys(List<RevocationEvent> events) {
		events.stream()
			.filter((event) -> RevocationEvent.KEY.equals(event.kind()))
			.forEach((event) -> this.events.publishEvent(new KeyRevoked(event.subject())));
	}

	private void evict() {
		this.log.evict(this.clock.millis());
	}

}
