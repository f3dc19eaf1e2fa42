package dev.portcullis.auth.audit;

import java.time.Instant;
import java.util.UUID;

import dev.portcullis.auth.support.Batches;
import dev.portcullis.auth.support.Times;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/** Audit events at rest. */
@Repository
class AuditEventRepository {

	private final DatabaseClient db;

	AuditEventRepository(DatabaseClient db) {
		this.db = db;
	}

	/** Stores one event; the user, session and client address may each be null. */
	Mono<Void> insert(AuditEvent type, Instant at, UUID userId, UUID sessionId, String clientIp) {
		return this.db
			.sql("INSERT INTO audit_events (occurred_at, type, user_id, session_id, client_ip) "
					+ "VALUES (:at, :type, :user, :session, :ip)")
			.bind("at", Times.db(at))
			.bind("type", type.value())
			.bind("user", Parameter.fromOrEmpty(userId, UUID.class))
			.bind("session", Parameter.fromOrEmpty(sessionId, UUID.class))
			.bind("ip", Parameter.fromOrEmpty(clientIp, String.class))
			.then();
	}

	/** Deletes, {@code batchSize} rows at a time, every event that occurred before {@code cutoff}. */
	Mono<Long> deleteOccurredBefore(Instant cutoff, int batchSize) {
		return Batches.repeat(batchSize, () -> this.db
			.sql("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE occurred_at < :cutoff "
					+ "LIMIT :batch)")
			.bind("cutoff", Times.db(cutoff))
			.bind("batch", batchSize)
			.fetch()
			.rowsUpdated());
	}

}
