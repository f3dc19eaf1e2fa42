package dev.portcullis.auth.user;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import dev.portcullis.auth.support.Batches;
import dev.portcullis.auth.support.Times;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/** The failed-login counter of each address, one row per address whether or not an account exists. */
@Repository
class LoginAttemptRepository {

	private final DatabaseClient db;

	LoginAttemptRepository(DatabaseClient db) {
		this.db = db;
	}

	/** Empty when the address has no row; an empty {@code Optional} when it has one but is not blocked. */
	Mono<Optional<Instant>> findBlockedUntil(String email) {
		return this.db.sql("SELECT blocked_until FROM login_attempts WHERE email = :email")
			.bind("email", email)
			.map((row) -> Optional.ofNullable(Times.instant(row, "blocked_until")))
			.one();
	}

	/**
	 * Counts one more failure, starting the run again at 1 when the last failure is older than
	 * {@code forgetBefore}. Returns 0 when the address has no row yet.
	 */
	Mono<Long> increment(String email, Instant now, Instant forgetBefore) {
		return this.db
			.sql("UPDATE login_attempts SET failures = CASE WHEN last_failure_at < :forget THEN 1 ELSE failures + 1 END, "
					+ "last_failure_at = :now WHERE email = :email")
			.bind("forget", Times.db(forgetBefore))
			.bind("now", Times.db(now))
			.bind("email", email)
			.fetch()
			.rowsUpdated();
	}

	/** The first failure of an address; fails with a data-integrity violation if the row exists. */
	Mono<Long> insertFirst(String email, Instant now) {
		return this.db.sql("INSERT INTO login_attempts (email, failures, last_failure_at) VALUES (:email, 1, :now)")
			.bind("email", email)
			.bind("now", Times.db(now))
			.fetch()
			.rowsUpdated();
	}

	Mono<Integer> findFailures(String email) {
		return this.db.sql("SELECT failures FROM login_attempts WHERE email = :email")
			.bind("email", email)
			.map((row) -> row.get("failures", Integer.class))
			.one();
	}

	/** Blocks the address until {@code until}, or unblocks it when that is null. */
	Mono<Void> block(String email, Instant until) {
		return this.db.sql("UPDATE login_attempts SET blocked_until = :until WHERE email = :email")
			.bind("until", Parameter.fromOrEmpty(Times.db(until), OffsetDateTime.class))
			.bind("email", email)
			.then();
	}

	Mono<Void> delete(String email) {
		return this.db.sql("DELETE FROM login_attempts WHERE email = :email").bind("email", email).then();
	}

	/** Deletes, {@code batchSize} rows at a time, every row whose last failure is before {@code cutoff}. */
	Mono<Long> deleteLastFailureBefore(Instant cutoff, int batchSize) {
		return Batches.repeat(batchSize, () -> this.db
			.sql("DELETE FROM login_attempts WHERE email IN (SELECT email FROM login_attempts WHERE last_failure_at < "
					+ ":cutoff LIMIT :batch)")
			.bind("cutoff", Times.db(cutoff))
			.bind("batch", batchSize)
			.fetch()
			.rowsUpdated());
	}

}
