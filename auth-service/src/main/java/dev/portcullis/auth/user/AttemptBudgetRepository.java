package dev.portcullis.auth.user;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import dev.portcullis.auth.support.Batches;
import dev.portcullis.auth.support.Times;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.dao.TransientDataAccessException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * The attempt budgets of the throttles, one row per bucket (see the V5 migration; since then
 * {@code client:} is keyed by an IPv4 /24 or IPv6 /56, {@code device:} by the IPv4 address or
 * IPv6 /64, {@code register:<client>} counts registrations in a window, and the {@code global}
 * row's {@code blocked_until} is the end of an attack). Every method that takes an attempt is one
 * conditional statement, so the database decides who gets the last one, whichever replica asks.
 * {@link #takeAll} and {@link #settle} do that for every budget of one password check in one
 * statement.
 */
@Repository
class AttemptBudgetRepository {

	/**
	 * A statement over several rows may lose a deadlock to another one locking the same rows in
	 * another order; the database rolled it back whole, so it is run again.
	 */
	private static final Retry LOST_TO_A_LOCK = Retry.max(3).filter(TransientDataAccessException.class::isInstance);

	private final DatabaseClient db;

	/** PostgreSQL returns the updated rows with {@code RETURNING}, H2 from a {@code FINAL TABLE}. */
	private final boolean returning;

	AttemptBudgetRepository(DatabaseClient db, ConnectionFactory connectionFactory) {
		this.db = db;
		this.returning = connectionFactory.getMetadata().getName().contains("PostgreSQL");
	}

	/**
	 * Takes one attempt from each window and from the back-off in one statement, each row by the
	 * same conditions as {@link #takeFromWindow} and as a back-off step: a back-off takes one
	 * unless it is blocked at {@code now}, starts a fresh run when its last attempt is before
	 * {@code backOff.forgetBefore}, and is blocked by the attempt itself once the run reaches the
	 * free attempts, so parallel requests cannot overshoot. Every row is decided on its own:
	 * emits the buckets taken, with the back-off's attempts after the take; a bucket missing from
	 * the answer has no row, or refused, and the caller gives back those taken.
	 */
	Flux<Took> takeAll(List<WindowTake> windows, BackOffTake backOff, Instant now) {
		StringBuilder attempts = new StringBuilder();
		StringBuilder last = new StringBuilder();
		StringBuilder blocked = new StringBuilder();
		StringBuilder rows = new StringBuilder();
		StringBuilder in = new StringBuilder();
		for (int i = 0; i < windows.size(); i++) {
			String w = ":w" + i;
			String fresh = "last_at < :s" + i;
			attempts.append(" WHEN ").append(w).append(" THEN CASE WHEN ").append(fresh).append(" THEN 1 ELSE attempts + 1 END");
			last.append(" WHEN ").append(w).append(" THEN CASE WHEN ").append(fresh).append(" THEN :s").append(i)
				.append(" ELSE last_at END");
			blocked.append(" WHEN ").append(w).append(" THEN blocked_until");
			rows.append("(bucket = ").append(w).append(" AND (").append(fresh).append(" OR attempts < :l").append(i).append(")) OR ");
			in.append(w).append(", ");
		}
		String run = "(CASE WHEN last_at < :forget THEN 1 ELSE attempts + 1 END)";
		// the block the attempt sets for its run's length, one bound value per step of the doubling
		StringBuilder block = new StringBuilder("CASE WHEN ").append(run).append(" < ").append(backOff.freeAttempts())
			.append(" THEN NULL");
		List<Instant> blocks = backOff.blocks();
		for (int i = 0; i < blocks.size() - 1; i++) {
			block.append(" WHEN ").append(run).append(" = ").append(backOff.freeAttempts() + i).append(" THEN :u").append(i);
		}
		block.append(" ELSE :u").append(blocks.size() - 1).append(" END");
		String update = "UPDATE attempt_budgets SET attempts = " + byBucket(attempts, run) + ", last_at = "
				+ byBucket(last, ":now") + ", blocked_until = " + byBucket(blocked, block.toString()) + " WHERE bucket IN ("
				+ in + ":b) AND (" + rows + "bucket = :b) AND (blocked_until IS NULL OR blocked_until <= :now)";
		String sql = this.returning ? update + " RETURNING bucket, attempts"
				: "SELECT bucket, attempts FROM FINAL TABLE (" + update + ")";
		DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql)
			.bind("b", backOff.bucket())
			.bind("forget", Times.db(backOff.forgetBefore()))
			.bind("now", Times.db(now));
		for (int i = 0; i < windows.size(); i++) {
			spec = spec.bind("w" + i, windows.get(i).bucket())
				.bind("s" + i, Times.db(windows.get(i).start()))
				.bind("l" + i, windows.get(i).limit());
		}
		for (int i = 0; i < blocks.size(); i++) {
			spec = spec.bind("u" + i, Times.db(blocks.get(i)));
		}
		return spec.map((row) -> new Took(row.get("bucket", String.class), row.get("attempts", Integer.class)))
			.all()
			.retryWhen(LOST_TO_A_LOCK);
	}

	/** {@code CASE bucket <whens> ELSE <otherwise> END}, or only {@code otherwise} when there are no whens. */
	private static String byBucket(CharSequence whens, String otherwise) {
		return whens.isEmpty() ? otherwise : "CASE bucket" + whens + " ELSE " + otherwise + " END";
	}

	/**
	 * Gives back, in one statement, an attempt to each window as {@link #giveBackToWindow} does,
	 * and settles the back-off {@code backOffBucket} (if not null): cleared ({@code clear}), or
	 * its attempt given back and its block lifted if the row still reads {@code taken} (the block
	 * is then the attempt's own: the bucket was not blocked when it was taken, and nobody took one
	 * since) or the run falls below {@code freeAttempts} (no block stands for fewer; attempts
	 * given back in another order than taken must not leave one behind). A cleared back-off keeps its row, with no attempts, for the next login to take from
	 * in one statement; the purge deletes it once stale.
	 */
	Mono<Long> settle(List<LoginThrottle.Taken> windows, String backOffBucket, Budget taken, boolean clear,
			int freeAttempts) {
		StringBuilder rows = new StringBuilder();
		StringBuilder in = new StringBuilder();
		for (int i = 0; i < windows.size(); i++) {
			rows.append((i > 0) ? " OR " : "").append("(bucket = :w").append(i).append(" AND last_at >= :s").append(i)
				.append(" AND attempts > 0)");
			in.append((i > 0) ? ", " : "").append(":w").append(i);
		}
		String set = "attempts = attempts - 1";
		if (backOffBucket != null) {
			set = clear ? "attempts = CASE WHEN bucket = :b THEN 0 ELSE attempts - 1 END, "
					+ "blocked_until = CASE WHEN bucket = :b THEN NULL ELSE blocked_until END"
					: "attempts = attempts - 1, blocked_until = CASE WHEN bucket = :b AND ((attempts = :attempts "
							+ "AND last_at = :last) OR attempts - 1 < :free) THEN NULL ELSE blocked_until END";
			rows.append(windows.isEmpty() ? "" : " OR ").append("(bucket = :b AND attempts > 0)");
			in.append(windows.isEmpty() ? "" : ", ").append(":b");
		}
		if (in.isEmpty()) {
			return Mono.just(0L);
		}
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE attempt_budgets SET " + set + " WHERE bucket IN (" + in + ") AND (" + rows + ")");
		if (backOffBucket != null) {
			spec = spec.bind("b", backOffBucket);
			if (!clear) {
				spec = spec.bind("attempts", taken.attempts()).bind("last", Times.db(taken.lastAt())).bind("free", freeAttempts);
			}
		}
		for (int i = 0; i < windows.size(); i++) {
			spec = spec.bind("w" + i, windows.get(i).bucket()).bind("s" + i, Times.db(windows.get(i).windowStart()));
		}
		return spec.fetch().rowsUpdated().retryWhen(LOST_TO_A_LOCK);
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

	/** A window to take from: {@code limit} attempts in the window starting at {@code start}. */
	record WindowTake(String bucket, Instant start, int limit) {
	}

	/**
	 * A back-off to take from: a run whose last attempt is before {@code forgetBefore} starts
	 * again; from {@code freeAttempts} attempts on, the n-th blocks until
	 * {@code blocks[n - freeAttempts]}, the last of them for every longer run.
	 */
	record BackOffTake(String bucket, Instant forgetBefore, int freeAttempts, List<Instant> blocks) {
	}

	/** A bucket an attempt was taken from, and its attempts after the take. */
	record Took(String bucket, int attempts) {
	}

}
