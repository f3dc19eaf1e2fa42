package dev.portcullis.auth.revocation;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.stereotype.Component;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;

/**
 * A wake-up for this replica's own log once a transaction that recorded events has committed,
 * so the replica that ended a session serves the event at once, on any store.
 */
@Component
class LocalCommits {

	private final Sinks.Many<Boolean> committed = Sinks.many().multicast().directBestEffort();

	/** Arranges the signal for after the current transaction commits; nothing without one. */
	Mono<Void> signalAfterCommit() {
		return TransactionSynchronizationManager.forCurrentTransaction()
			.filter(TransactionSynchronizationManager::isSynchronizationActive)
			.doOnNext((manager) -> manager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public Mono<Void> afterCommit() {
					return Mono.fromRunnable(LocalCommits.this::signal);
				}

			}))
			// Revocations.record always runs in a transaction; without one there is nothing to wait for.
			.onErrorResume(NoTransactionException.class, (ex) -> Mono.empty())
			.then();
	}

	private void signal() {
		// Commits end on several threads at once; a short spin serialises the emissions.
		this.committed.emitNext(true, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(50)));
	}

	Flux<Boolean> signals() {
		return this.committed.asFlux();
	}

}
