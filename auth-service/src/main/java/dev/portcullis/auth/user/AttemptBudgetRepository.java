package dev.portcullis.auth.user;

import java.time.Instant;
import java.time.OffsetDateTime;

import dev.portcullis.auth.support.Batches;
import dev.portcullis.auth.support.Times;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * The attempt budgets of the throttles, one row per bucket (see the V5 migration; since then
 * {@code client:} is keyed by an IPv4 /24 or IPv6 /56, {@code device:} by the IPv4 address or
 * IPv6 /64, {@code register:<client>} counts registrations in a window, and the {@code global}
 * row's {@code blocked_until} is the end of an attack). Every method that takes an attempt is one
 * conditional statement, so the database decides who gets the last one, whichever replica asks.
 */
@Repository
class AttemptBudgetRepository {

	private final DatabaseClient db;

	AttemptBudgetRepository(DatabaseClient db) {
		this.db = db;
	}

	/** Empty when the bucket has no row. */
	Mono<Budget> find(String bucket) {
		return this.db.sql("SELECT attempts, last_at, blocked_until FROM attempt_budgets WHERE bucket = :bucket")
			.bind("bucket", bucket)
			.map((row) -> new Budget(row.get("attempts", Integer.class), Times.instant(row, "last_at"),
					Times.instant(row, "blocked_until")))
			.one();
	}

	/**
	 * Replaces a back-off bucket's {@code seen} state by {@code next}, only if the row still reads
	 * {@code seen}: 1 when replaced, 0 when another request changed (or deleted) it first.
	 */
	Mono<Long> replace(String bucket, Budget seen, Budget next) {
		return this.db
			.sql("UPDATE attempt_budgets SET attempts = :attempts, last_at = :last, blocked_until = :until "
					+ "WHERE bucket = :bucket AND attempts = :seenAttempts AND last_at = :seenLast")
			.bind("attempts", next.attempts())
			.bind("last", Times.db(next.lastAt()))
			.bind("until", Parameter.fromOrEmpty(Times.db(next.blockedUntil()), OffsetDateTime.class))
			.bind("bucket", bucket)
			.bind("seenAttempts", seen.attempts())
			.bind("seenLast", Times.db(seen.lastAt()))
			.fetch()
			.rowsUpdated();
	}

	/** The first row of a bucket; fails with a data-integrity violation if it exists. */
	Mono<Long> insert(String bucket, Budget first) {
		return this.db
			.sql("INSERT INTO attempt_budgets (bucket, attempts, last_at, blocked_until) VALUES (:bucket, :attempts, :last, :until)")
			.bind("bucket", bucket)
			.bind("attempts", first.attempts())
			.bind("last", Times.db(first.lastAt()))
			.bind("until", Parameter.fromOrEmpty(Times.db(first.blockedUntil()), OffsetDateTime.class))
			.fetch()
			.rowsUpdated();
	}

	/** Moves a back-off bucket's block to {@code until} if the row still reads {@code state}. */
	Mono<Long> extendBlock(String bucket, Budget state, Instant until) {
		return this.db
			.sql("UPDATE attempt_budgets SET blocked_until = :until "
					+ "WHERE bucket = :bucket AND attempts = :attempts AND last_at = :last AND blocked_until < :until")
			.bind("until", Times.db(until))
			.bind("bucket", bucket)
			.bind("attempts", state.attempts())
			.bind("last", Times.db(state.lastAt()))
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Takes one attempt from the window starting at {@code windowStart}, starting that window
	 * when the row's is older: 1 when taken, 0 when {@code limit} are taken already, the bucket is
	 * blocked at {@code now} (see {@link #block}) or the bucket has no row.
	 */
	Mono<Long> takeFromWindow(String bucket, Instant windowStart, int limit, Instant now) {
		return this.db
			.sql("UPDATE attempt_budgets SET attempts = CASE WHEN last_at < :start THEN 1 ELSE attempts + 1 END, "
					+ "last_at = CASE WHEN last_at < :start THEN :start ELSE last_at END "
					+ "WHERE bucket = :bucket AND (last_at < :start OR attempts < :limit) "
					+ "AND (blocked_until IS NULL OR blocked_until <= :now)")
			.bind("start", Times.db(windowStart))
			.bind("bucket", bucket)
			.bind("limit", limit)
			.bind("now", Times.db(now))
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Blocks a window bucket until {@code until} unless it is blocked at {@code now} already; its
	 * window takes no attempt meanwhile.
	 */
	Mono<Long> blockUntil(String bucket, Instant now, Instant until) {
		return this.db
			.sql("UPDATE attempt_budgets SET blocked_until = :until "
					+ "WHERE bucket = :bucket AND (blocked_until IS NULL OR blocked_until <= :now)")
			.bind("until", Times.db(until))
			.bind("bucket", bucket)
			.bind("now", Times.db(now))
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Gives back an attempt taken from the window starting at {@code windowStart} to the row's
	 * window, if that is the same or a later one: a replica whose clock is behind counts into the
	 * later window, and must give back there. An attempt taken just before a new window started
	 * is given to the new one, which errs by one per request in flight at that moment.
	 */
	Mono<Long> giveBackToWindow(String bucket, Instant windowStart) {
		return this.db
			.sql("UPDATE attempt_budgets SET attempts = attempts - 1 WHERE bucket = :bucket AND last_at >= :start AND attempts > 0")
			.bind("bucket", bucket)
			.bind("start", Times.db(windowStart))
			.fetch()
			.rowsUpdated();
	}

	Mono<Void> delete(String bucket) {
		return this.db.sql("DELETE FROM attempt_budgets WHERE bucket = :bucket").bind("bucket", bucket).then();
	}

	/** Deletes a bucket only if it still reads {@code state}. */
	Mono<Long> delete(String bucket, Budget state) {
		return this.db.sql("DELETE FROM attempt_budgets WHERE bucket = :bucket AND attempts = :attempts AND last_at = :last")
			.bind("bucket", bucket)
			.bind("attempts", state.attempts())
			.bind("last", Times.db(state.lastAt()))
			.fetch()
			.rowsUpdated();
	}

	/** Deletes, {@code batchSize} rows at a time, every row whose {@code last_at} is before {@code cutoff}. */
	Mono<Long> deleteLastBefore(Instant cutoff, int batchSize) {
		return Batches.repeat(batchSize, () -> this.db
			.sql("DELETE FROM attempt_budgets WHERE bucket IN (SELECT bucket FROM attempt_budgets WHERE last_at < :cutoff "
					+ "LIMIT :batch)")
			.bind("cutoff", Times.db(cutoff))
			.bind("batch", batchSize)
			.fetch()
			.rowsUpdated());
	}

	/**
	 * One bucket's row.
	 * @param attempts attempts in the run (back-off) or in the window (window)
	 * @param lastAt the latest attempt (back-off) or the window's start (window)
	 * @param blockedUntil until when a back-off bucket takes no attempt; null when it takes one
	 */
	record Budget(int attempts, Instant lastAt, Instant blockedUntil) {

		boolean blockedAt(Instant now) {
			return this.blockedUntil != null && now.isBefore(this.blockedUntil);
		}

	}

}
