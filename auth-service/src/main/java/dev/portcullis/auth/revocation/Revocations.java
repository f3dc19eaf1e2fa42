package dev.portcullis.auth.revocation;

import java.time.Duration;
import java.util.List;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.contract.revocation.RevocationEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Writes revocation events. Call it as the last step of the transaction that ends the access,
 * so the event commits (or rolls back) with it and the counter's row lock is held briefly.
 */
@Component
public class Revocations {

	private final RevocationRepository repository;

	private final TransactionalOperator transactions;

	private final LocalCommits localCommits;

	private final Duration tokenLifetime;

	Revocations(RevocationRepository repository, TransactionalOperator transactions, LocalCommits localCommits,
			AuthProperties properties) {
		this.repository = repository;
		this.transactions = transactions;
		this.localCommits = localCommits;
		this.tokenLifetime = properties.accessTokenLifetime();
	}

	/** Records one event in the caller's transaction (or in one of its own without one). */
	public Mono<Void> record(Revocation revocation) {
		return record(List.of(revocation));
	}

	/** Records the events, in this order, in the caller's transaction (or in one of its own). */
	public Mono<Void> record(List<Revocation> revocations) {
		if (revocations.isEmpty()) {
			return Mono.empty();
		}
		int count = revocations.size();
		return this.repository.allocate(count)
			.flatMap((last) -> Flux.range(0, count)
				.concatMap((i) -> this.repository.insert(event(last - count + 1 + i, revocations.get(i))))
				.then(this.repository.notifyListeners(last))
				.then(this.localCommits.signalAfterCommit()))
			.as(this.transactions::transactional);
	}

	private RevocationEvent event(long id, Revocation revocation) {
		return new RevocationEvent(id, revocation.kind(), revocation.subject(), revocation.at().toEpochMilli(),
				revocation.at().plus(this.tokenLifetime).toEpochMilli());
	}

}
