package dev.portcullis.seeder;

import java.time.Instant;

import dev.portcullis.auth.support.Times;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/** The mark that says a database is for load tests (the auth service's V6_1 migration makes its table). */
@Repository
class LoadTestMarkerRepository {

	private final DatabaseClient db;

	LoadTestMarkerRepository(DatabaseClient db) {
		this.db = db;
	}

	Mono<Boolean> isMarked() {
		return this.db.sql("SELECT COUNT(*) AS n FROM load_test_marker").map((row) -> row.get("n", Long.class)).one()
			.map((n) -> n > 0);
	}

	/** Marks the database; marking it again changes nothing. */
	Mono<Void> mark(Instant now, String reason) {
		return this.db.sql("INSERT INTO load_test_marker (id, marked_at, reason) VALUES (1, :now, :reason)")
			.bind("now", Times.db(now))
			.bind("reason", reason)
			.then()
			.onErrorResume(DataIntegrityViolationException.class, (ex) -> Mono.empty());
	}

}
