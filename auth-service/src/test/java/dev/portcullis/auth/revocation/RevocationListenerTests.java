package dev.portcullis.auth.revocation;

import java.time.Duration;
import java.util.UUID;

import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static dev.portcullis.auth.revocation.RevocationTestSupport.TIMEOUT;
import static dev.portcullis.auth.revocation.RevocationTestSupport.writeAsAnotherReplica;
import static org.assertj.core.api.Assertions.assertThat;

/** The LISTEN connection on PostgreSQL: found by name, killed, and back on its own. */
@AuthServiceTest
class RevocationListenerTests {

	private static final String LISTENERS = "FROM pg_stat_activity WHERE application_name = '"
			+ PostgresRevocationListener.APPLICATION_NAME + "' AND datname = current_database()";

	@Autowired
	DatabaseClient db;

	@Autowired
	Revocations revocations;

	@Autowired
	RevocationLog log;

	@Autowired
	MutableClock clock;

	@Autowired
	TransactionalOperator transactions;

	@Test
	void listenerWhenItsBackendIsKilledThenEventsStillArriveAndItReconnects() {
		listeners(1).as(StepVerifier::create).verifyComplete();
		long killed = this.db.sql("SELECT pg_terminate_backend(pid) AS ok " + LISTENERS).map((row) -> 1).all().count()
			.block(TIMEOUT);
		assertThat(killed).isEqualTo(1);

		UUID session = UUID.randomUUID();
		writeAsAnotherReplica(this.db, this.transactions, session, this.clock.instant(), true).block(TIMEOUT);
		// poll interval 1s, plus the time one poll takes on a busy machine
		RevocationTestSupport.until(() -> inLog(session), Duration.ofMillis(2500)).as(StepVerifier::create).verifyComplete();

		listeners(1).as(StepVerifier::create).verifyComplete();
		UUID after = UUID.randomUUID();
		writeAsAnotherReplica(this.db, this.transactions, after, this.clock.instant(), true).block(TIMEOUT);
		RevocationTestSupport.until(() -> inLog(after), Duration.ofMillis(2500)).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void listenerWhenAnotherReplicaWritesThenTheLogHearsOfItWithinThePollInterval() {
		listeners(1).as(StepVerifier::create).verifyComplete();
		UUID session = UUID.randomUUID();
		long id = writeAsAnotherReplica(this.db, this.transactions, session, this.clock.instant(), true).block(TIMEOUT);
		RevocationTestSupport.until(() -> inLog(session), Duration.ofMillis(2500)).as(StepVerifier::create).verifyComplete();
		assertThat(this.log.lastId()).isGreaterThanOrEqualTo(id);
	}

	private boolean inLog(UUID session) {
		return this.log.since(0).stream().anyMatch((event) -> event.subject().equals(session.toString()));
	}

	/** Completes once exactly {@code expected} listener connections show in pg_stat_activity. */
	private Mono<Void> listeners(long expected) {
		return Flux.interval(Duration.ZERO, Duration.ofMillis(50))
			.onBackpressureDrop()
			.concatMap((tick) -> this.db.sql("SELECT COUNT(*) AS n " + LISTENERS).map((row) -> row.get("n", Long.class)).one())
			.filter((count) -> count == expected)
			.next()
			.timeout(TIMEOUT)
			.then();
	}

}
