package dev.portcullis.auth.revocation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.contract.revocation.RevocationEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import dev.portcullis.auth.support.Times;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Reads what the revocation tables hold, for assertions. */
final class RevocationTestSupport {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private RevocationTestSupport() {
	}

	/** The event rows after {@code afterId}, as (kind, subject) pairs in id order. */
	static List<String> kindsAndSubjects(RevocationRepository repository, long afterId) {
		return repository.findAfter(afterId, 10_000).map((event) -> event.kind() + ":" + event.subject())
			.collectList()
			.block(TIMEOUT);
	}

	static List<RevocationEvent> eventsAfter(RevocationRepository repository, long afterId) {
		return repository.findAfter(afterId, 10_000).collectList().block(TIMEOUT);
	}

	static long lastId(RevocationRepository repository) {
		return repository.lastId().block(TIMEOUT);
	}

	/** Completes when {@code condition} holds, checking every 20 ms; errors after {@code timeout}. */
	static Mono<Void> until(java.util.function.BooleanSupplier condition, Duration timeout) {
		return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
			.onBackpressureDrop()
			.filter((tick) -> condition.getAsBoolean())
			.next()
			.timeout(timeout)
			.then();
	}

	/** The id of the session the tokens belong to, from the session list. */
	@SuppressWarnings("unchecked")
	static String sessionId(AuthClient auth, Tokens tokens) {
		List<Map<String, Object>> sessions = auth.get("/auth/sessions", tokens)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
		Predicate<Map<String, Object>> current = (session) -> Boolean.TRUE.equals(session.get("current"));
		return (String) sessions.stream().filter(current).findFirst().orElseThrow().get("id");
	}

	static String userId(AuthClient auth, Tokens tokens) {
		return (String) auth.get("/auth/me", tokens).exchange().expectStatus().isOk().expectBody(Map.class).returnResult()
			.getResponseBody()
			.get("id");
	}

	/**
	 * Writes a session event the way another replica would: straight to the tables, so this
	 * replica's own after-commit wake-up plays no part. With {@code notify}, also pg_notify.
	 */
	static Mono<Long> writeAsAnotherReplica(DatabaseClient db, TransactionalOperator transactions, UUID session,
			Instant at, boolean notify) {
		return db.sql("UPDATE serial_locks SET last_id = last_id + 1 WHERE name = 'revocation_events'")
			.fetch()
			.rowsUpdated()
			.then(db.sql("SELECT last_id FROM serial_locks WHERE name = 'revocation_events'")
				.map((row) -> row.get(0, Long.class))
				.one())
			.flatMap((id) -> db
				.sql("INSERT INTO revocation_events (id, kind, subject, occurred_at, valid_until) "
						+ "VALUES (:id, 'session', :subject, :at, :until)")
				.bind("id", id)
				.bind("subject", session.toString())
				.bind("at", Times.db(at))
				.bind("until", Times.db(at.plus(Duration.ofMinutes(16))))
				.then()
				.then(notify ? db.sql("SELECT pg_notify('portcullis_revocations', :id)").bind("id", id.toString()).fetch().all().then()
						: Mono.empty())
				.thenReturn(id))
			.as(transactions::transactional);
	}

	static long count(DatabaseClient db, String sql) {
		return db.sql(sql).map((row) -> row.get(0, Long.class)).one().block(TIMEOUT);
	}

}
