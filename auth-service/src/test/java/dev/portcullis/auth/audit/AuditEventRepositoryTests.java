package dev.portcullis.auth.audit;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.auth.support.Times;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

@AuthServiceTest
class AuditEventRepositoryTests {

	@Autowired
	AuditEventRepository events;

	@Autowired
	DatabaseClient db;

	@Test
	void insertWhenEveryPartGivenThenStoresThemAll() {
		UUID user = UUID.randomUUID();
		UUID session = UUID.randomUUID();
		Instant at = Instant.parse("2002-03-04T05:06:07Z");
		this.events.insert(AuditEvent.REFRESH_TOKEN_REUSED, at, user, session, "192.0.2.7")
			.then(stored("session_id = :id", session))
			.as(StepVerifier::create)
			.expectNext(Arrays.asList(at, "refresh_token_reused", user, session, "192.0.2.7"))
			.verifyComplete();
	}

	@Test
	void insertWhenSessionAndAddressUnknownThenStoresNulls() {
		UUID user = UUID.randomUUID();
		Instant at = Instant.parse("2002-03-04T05:06:08Z");
		this.events.insert(AuditEvent.ALL_SESSIONS_REVOKED, at, user, null, null)
			.then(stored("user_id = :id", user))
			.as(StepVerifier::create)
			.expectNext(Arrays.asList(at, "all_sessions_revoked", user, null, null))
			.verifyComplete();
	}

	@Test
	void deleteOccurredBeforeWhenMoreOldEventsThanABatchThenDeletesThemAllAndKeepsTheRest() {
		Instant old = Instant.parse("1998-06-01T00:00:00Z");
		Instant cutoff = Instant.parse("1998-07-01T00:00:00Z");
		UUID kept = UUID.randomUUID();
		// drawn up front: SecureRandom may read /dev/urandom, which BlockHound rejects on a database thread
		List<UUID> gone = Stream.generate(UUID::randomUUID).limit(5).toList();
		Flux.fromIterable(gone)
			.concatMap((user) -> this.events.insert(AuditEvent.PASSWORD_CHANGED, old, user, null, null))
			.then(this.events.insert(AuditEvent.PASSWORD_CHANGED, cutoff, kept, null, null))
			.then(this.events.deleteOccurredBefore(cutoff, 2))
			.as(StepVerifier::create)
			.expectNext(5L)
			.verifyComplete();
		stored("user_id = :id", kept).as(StepVerifier::create)
			.expectNext(Arrays.asList(cutoff, "password_changed", kept, null, null))
			.verifyComplete();
	}

	private Mono<List<Object>> stored(String where, UUID id) {
		return this.db.sql("SELECT occurred_at, type, user_id, session_id, client_ip FROM audit_events WHERE " + where)
			.bind("id", id)
			.map((row) -> Arrays.<Object>asList(Times.instant(row, "occurred_at"), row.get("type", String.class),
					row.get("user_id", UUID.class), row.get("session_id", UUID.class), row.get("client_ip", String.class)))
			.one();
	}

}
