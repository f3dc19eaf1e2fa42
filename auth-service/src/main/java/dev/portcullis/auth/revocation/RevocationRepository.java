package dev.portcullis.auth.revocation;

import java.time.Instant;

import dev.portcullis.auth.support.Times;
import dev.portcullis.contract.revocation.RevocationEvent;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/** The {@code revocation_events} table and its id counter in {@code serial_locks}. */
@Repository
class RevocationRepository {

	/** The PostgreSQL channel a committed event is announced on; the payload is its id. */
	static final String CHANNEL = "portcullis_revocations";

	private static final String COUNTER = "revocation_events";

	private final DatabaseClient db;

	private final boolean postgres;

	RevocationRepository(DatabaseClient db, ConnectionFactory connectionFactory) {
		this.db = db;
		this.postgres = isPostgres(connectionFactory);
	}

	static boolean isPostgres(ConnectionFactory connectionFactory) {
		return connectionFactory.getMetadata().getName().contains("PostgreSQL");
	}

	/**
	 * Reserves {@code count} ids and returns the highest. The row lock taken by the UPDATE holds
	 * every other writer until this transaction ends, so ids are assigned in commit order.
	 */
	Mono<Long> allocate(int count) {
		return this.db.sql("UPDATE serial_locks SET last_id = last_id + :count WHERE name = '" + COUNTER + "'")
			.bind("count", (long) count)
			.fetch()
			.rowsUpdated()
			.then(lastId());
	}

	/** The highest id ever assigned (committed, or this transaction's own). */
	Mono<Long> lastId() {
		return this.db.sql("SELECT last_id FROM serial_locks WHERE name = '" + COUNTER + "'")
			.map((row) -> row.get("last_id", Long.class))
			.one();
	}

	Mono<Void> insert(RevocationEvent event) {
		return this.db
			.sql("INSERT INTO revocation_events (id, kind, subject, occurred_at, valid_until) "
					+ "VALUES (:id, :kind, :subject, :at, :until)")
			.bind("id", event.id())
			.bind("kind", event.kind())
			.bind("subject", event.subject())
			.bind("at", Times.db(Instant.ofEpochMilli(event.at())))
			.bind("until", Times.db(Instant.ofEpochMilli(event.until())))
			.then();
	}

	/** On PostgreSQL, tells every listening replica (on commit) that events up to {@code id} exist. */
	Mono<Void> notifyListeners(long id) {
		if (!this.postgres) {
			return Mono.empty();
		}
		return this.db.sql("SELECT pg_notify('" + CHANNEL + "', :id)")
			.bind("id", Long.toString(id))
			.fetch()
			.all()
			.then();
	}

	/** Up to {@code limit} events after {@code afterId}, in id order. */
	Flux<RevocationEvent> findAfter(long afterId, int limit) {
		return this.db.sql("SELECT id, kind, subject, occurred_at, valid_until FROM revocation_events WHERE id > :after "
				+ "ORDER BY id LIMIT :limit")
			.bind("after", afterId)
			.bind("limit", limit)
			.map(RevocationRepository::event)
			.all();
	}

	/** Deletes up to {@code batch} events that no longer matter at {@code now}. */
	Mono<Long> deleteExpired(Instant now, int batch) {
		return this.db
			.sql("DELETE FROM revocation_events WHERE id IN (SELECT id FROM revocation_events WHERE valid_until < :now "
					+ "LIMIT :batch)")
			.bind("now", Times.db(now))
			.bind("batch", batch)
			.fetch()
			.rowsUpdated();
	}

	private static RevocationEvent event(Readable row) {
		return new RevocationEvent(row.get("id", Long.class), row.get("kind", String.class), row.get("subject", String.class),
				Times.instant(row, "occurred_at").toEpochMilli(), Times.instant(row, "valid_until").toEpochMilli());
	}

}
