package dev.portcullis.auth.session;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.portcullis.auth.support.Batches;
import dev.portcullis.auth.user.Roles;
import dev.portcullis.auth.support.Times;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/** Sessions and their refresh tokens. Tokens are only ever stored as their peppered hash. */
@Repository
class SessionRepository {

	/**
	 * {@link RefreshLimit#allows} in SQL, for the session {@code s}: its window is over (it began
	 * at or before {@code :windowOpen}) or it has rotations left ({@code :rotations} in all).
	 */
	private static final String ROTATION_ALLOWED = "(s.refresh_window_start IS NULL "
			+ "OR s.refresh_window_start <= :windowOpen OR s.refresh_window_count < :rotations)";

	/**
	 * Takes one rotation from the session's budget: the window goes on if it is still open, else a
	 * new one begins now. Both right-hand sides read the row as it was.
	 */
	private static final String COUNT_ROTATION = "refresh_window_count = CASE WHEN refresh_window_start > :windowOpen "
			+ "THEN refresh_window_count + 1 ELSE 1 END, refresh_window_start = CASE WHEN refresh_window_start > :windowOpen "
			+ "THEN refresh_window_start ELSE :now END";

	/**
	 * One rotation in one statement (PostgreSQL's data-modifying CTEs, so no explicit
	 * transaction: a single statement is atomic). Each part feeds the next: the token is consumed
	 * only if unconsumed and its session live (the checks of {@link TokenState#sessionLive}); the
	 * session is touched only if the token was consumed here and the session is still not revoked
	 * (the UPDATE waits for a concurrent logout's row lock, then re-checks {@code revoked_at});
	 * the successor is inserted only for a touched session. A concurrent refresh of the same token
	 * waits for the first one's row lock, re-checks {@code consumed_at IS NULL}, and matches
	 * nothing, as does everything after it. One row for a rotation, none otherwise. The session's
	 * refresh limit ({@link RefreshLimit}) is checked before the token is consumed, so a limited
	 * refresh leaves the token as it was, and taken when the session is touched.
	 */
	private static final String ROTATE = "WITH consumed AS ("
			+ "UPDATE refresh_tokens SET consumed_at = :now, successor_hash = :successor, successor_sealed = :sealed "
			+ "WHERE token_hash = :hash AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM sessions s "
			+ "WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL AND s.expires_at > :now "
			+ "AND s.last_refreshed_at > :idle AND " + ROTATION_ALLOWED + ") RETURNING session_id), "
			+ "touched AS (UPDATE sessions SET last_refreshed_at = :now, " + COUNT_ROTATION
			+ " WHERE id IN (SELECT session_id FROM consumed) AND revoked_at IS NULL RETURNING id, user_id, expires_at), "
			+ "inserted AS (INSERT INTO refresh_tokens (token_hash, session_id, created_at) "
			+ "SELECT :successor, id, :now FROM touched RETURNING session_id) "
			+ "SELECT t.id AS session_id, t.user_id, t.expires_at, u.roles FROM inserted i "
			+ "JOIN touched t ON t.id = i.session_id JOIN users u ON u.id = t.user_id";

	private final DatabaseClient db;

	private final boolean oneStatementRotation;

	SessionRepository(DatabaseClient db, ConnectionFactory connectionFactory) {
		this.db = db;
		// H2 has no data-modifying CTEs: there, a rotation is the statements of a transaction
		this.oneStatementRotation = connectionFactory.getMetadata().getName().contains("PostgreSQL");
	}

	/** Whether {@link #rotate} works on this database; if not, rotate with {@link #consume} and company. */
	boolean rotatesInOneStatement() {
		return this.oneStatementRotation;
	}

	/**
	 * Rotates the token in one statement, outside any transaction: consumes it (if unconsumed
	 * and its session live at {@code now}, idle since no earlier than {@code idleCutoff}),
	 * touches the session and inserts the successor. Emits the rotated session's state, or
	 * nothing if it did not rotate (unknown, consumed, session over or revoked meanwhile): then
	 * the token may have been consumed, but no successor exists. Nothing either, and the token
	 * untouched, when the session has no rotation left in its window (one that began at or before
	 * {@code windowOpen} is over; {@code rotations} per window). PostgreSQL only.
	 */
	Mono<TokenState> rotate(byte[] hash, byte[] successorHash, byte[] successorSealed, Instant now, Instant idleCutoff,
			Instant windowOpen, int rotations) {
		return this.db.sql(ROTATE)
			.bind("now", Times.db(now))
			.bind("successor", successorHash)
			.bind("sealed", successorSealed)
			.bind("hash", hash)
			.bind("idle", Times.db(idleCutoff))
			.bind("windowOpen", Times.db(windowOpen))
			.bind("rotations", rotations)
			.map((row) -> new TokenState(row.get("session_id", UUID.class), row.get("user_id", UUID.class), now, null,
					Times.instant(row, "expires_at"), now, null, Roles.parse(row.get("roles", String.class)), null, 0))
			.one();
	}

	Mono<Void> insertSession(Session session) {
		return this.db
			.sql("INSERT INTO sessions (id, user_id, created_at, last_refreshed_at, expires_at, user_agent, client_ip) "
					+ "VALUES (:id, :user, :created, :created, :expires, :agent, :ip)")
			.bind("id", session.id())
			.bind("user", session.userId())
			.bind("created", Times.db(session.createdAt()))
			.bind("expires", Times.db(session.expiresAt()))
			.bind("agent", Parameter.fromOrEmpty(session.userAgent(), String.class))
			.bind("ip", Parameter.fromOrEmpty(session.clientIp(), String.class))
			.then();
	}

	Mono<Void> insertToken(byte[] hash, UUID sessionId, Instant now) {
		return this.db.sql("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (:hash, :session, :now)")
			.bind("hash", hash)
			.bind("session", sessionId)
			.bind("now", Times.db(now))
			.then();
	}

	/** The token with this hash and the state of its session, if the hash is known. */
	Mono<TokenState> findToken(byte[] hash) {
		return this.db
			.sql("SELECT rt.session_id, rt.consumed_at, rt.successor_sealed, s.user_id, s.expires_at, s.last_refreshed_at, "
					+ "s.revoked_at, s.refresh_window_start, s.refresh_window_count, u.roles FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id "
					+ "JOIN users u ON u.id = s.user_id WHERE rt.token_hash = :hash")
			.bind("hash", hash)
			.map(SessionRepository::tokenState)
			.one();
	}

	/**
	 * Consumes the token if nobody has yet: the one conditional UPDATE that makes rotation
	 * atomic. Returns 1 for the caller that won, 0 for everyone else.
	 */
	Mono<Long> consume(byte[] hash, byte[] successorHash, byte[] successorSealed, Instant now) {
		return this.db
			.sql("UPDATE refresh_tokens SET consumed_at = :now, successor_hash = :successor, successor_sealed = :sealed "
					+ "WHERE token_hash = :hash AND consumed_at IS NULL")
			.bind("now", Times.db(now))
			.bind("successor", successorHash)
			.bind("sealed", successorSealed)
			.bind("hash", hash)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Marks the session refreshed if it is still live, taking one rotation from its refresh
	 * budget (a window that began at or before {@code windowOpen} is over): 0 when a logout
	 * committed first, so a refresh racing it cannot mint a token for a revoked session (the
	 * UPDATE waits for the logout's row lock, then re-checks {@code revoked_at}).
	 */
	Mono<Long> touch(UUID sessionId, Instant now, Instant windowOpen) {
		return this.db.sql("UPDATE sessions SET last_refreshed_at = :now, " + COUNT_ROTATION
				+ " WHERE id = :id AND revoked_at IS NULL")
			.bind("now", Times.db(now))
			.bind("windowOpen", Times.db(windowOpen))
			.bind("id", sessionId)
			.fetch()
			.rowsUpdated();
	}

	Mono<Long> revoke(UUID sessionId, String reason, Instant now) {
		return this.db
			.sql("UPDATE sessions SET revoked_at = :now, revoke_reason = :reason WHERE id = :id AND revoked_at IS NULL")
			.bind("now", Times.db(now))
			.bind("reason", reason)
			.bind("id", sessionId)
			.fetch()
			.rowsUpdated();
	}

	Mono<Long> revokeForUser(UUID userId, UUID sessionId, String reason, Instant now) {
		return this.db
			.sql("UPDATE sessions SET revoked_at = :now, revoke_reason = :reason "
					+ "WHERE id = :id AND user_id = :user AND revoked_at IS NULL AND expires_at > :now")
			.bind("now", Times.db(now))
			.bind("reason", reason)
			.bind("id", sessionId)
			.bind("user", userId)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Locks and lists the sessions {@link #revokeAllForUser} would revoke, so the caller can
	 * record exactly those: same conditions, and the lock keeps them the same until commit.
	 */
	Flux<UUID> lockRevocable(UUID userId, UUID keep) {
		return this.db.sql("SELECT id FROM sessions WHERE user_id = :user AND revoked_at IS NULL AND id <> :keep FOR UPDATE")
			.bind("user", userId)
			.bind("keep", (keep != null) ? keep : new UUID(0, 0))
			.map((row) -> row.get("id", UUID.class))
			.all();
	}

	/** Revokes every live session of the user except {@code keep} (which may be null). */
	Mono<Long> revokeAllForUser(UUID userId, UUID keep, String reason, Instant now) {
		return this.db
			.sql("UPDATE sessions SET revoked_at = :now, revoke_reason = :reason "
					+ "WHERE user_id = :user AND revoked_at IS NULL AND id <> :keep")
			.bind("now", Times.db(now))
			.bind("reason", reason)
			.bind("user", userId)
			.bind("keep", (keep != null) ? keep : new UUID(0, 0))
			.fetch()
			.rowsUpdated();
	}

	/** Sessions that are neither revoked nor past their absolute or idle expiry, newest first. */
	Flux<Session> findActive(UUID userId, Instant now, Instant idleCutoff) {
		return this.db
			.sql("SELECT id, user_id, created_at, last_refreshed_at, expires_at, user_agent, client_ip FROM sessions "
					+ "WHERE user_id = :user AND revoked_at IS NULL AND expires_at > :now AND last_refreshed_at > :idle "
					+ "ORDER BY created_at DESC")
			.bind("user", userId)
			.bind("now", Times.db(now))
			.bind("idle", Times.db(idleCutoff))
			.map((row) -> new Session(row.get("id", UUID.class), row.get("user_id", UUID.class),
					Times.instant(row, "created_at"), Times.instant(row, "last_refreshed_at"),
					Times.instant(row, "expires_at"), row.get("user_agent", String.class), row.get("client_ip", String.class)))
			.all();
	}

	Mono<Boolean> isActive(UUID sessionId, Instant now, Instant idleCutoff) {
		return this.db
			.sql("SELECT COUNT(*) AS n FROM sessions WHERE id = :id AND revoked_at IS NULL AND expires_at > :now "
					+ "AND last_refreshed_at > :idle")
			.bind("id", sessionId)
			.bind("now", Times.db(now))
			.bind("idle", Times.db(idleCutoff))
			.map((row) -> row.get("n", Long.class))
			.one()
			.map((count) -> count > 0);
	}

	/**
	 * Erases, {@code batchSize} rows at a time, the sealed successor of every token consumed
	 * before {@code cutoff}; the token itself stays, so a replay is still recognised.
	 */
	Mono<Long> clearSealedSuccessors(Instant cutoff, int batchSize) {
		return Batches.repeat(batchSize, () -> this.db
			.sql("UPDATE refresh_tokens SET successor_sealed = NULL WHERE token_hash IN (SELECT token_hash FROM "
					+ "refresh_tokens WHERE successor_sealed IS NOT NULL AND consumed_at < :cutoff LIMIT :batch)")
			.bind("cutoff", Times.db(cutoff))
			.bind("batch", batchSize)
			.fetch()
			.rowsUpdated());
	}

	/**
	 * Deletes, {@code batchSize} rows at a time, every session that expired or was revoked before
	 * {@code cutoff}; its refresh tokens go with it (ON DELETE CASCADE).
	 */
	Mono<Long> deleteEndedBefore(Instant cutoff, int batchSize) {
		return Batches.repeat(batchSize, () -> this.db
			.sql("DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < :cutoff "
					+ "OR revoked_at < :cutoff LIMIT :batch)")
			.bind("cutoff", Times.db(cutoff))
			.bind("batch", batchSize)
			.fetch()
			.rowsUpdated());
	}

	private static TokenState tokenState(Readable row) {
		return new TokenState(row.get("session_id", UUID.class), row.get("user_id", UUID.class),
				Times.instant(row, "consumed_at"), row.get("successor_sealed", byte[].class), Times.instant(row, "expires_at"),
				Times.instant(row, "last_refreshed_at"), Times.instant(row, "revoked_at"),
				Roles.parse(row.get("roles", String.class)), Times.instant(row, "refresh_window_start"),
				row.get("refresh_window_count", Integer.class));
	}

	/**
	 * A refresh token row joined with its session; the session's refresh window as
	 * {@link RefreshLimit} reads it.
	 */
	record TokenState(UUID sessionId, UUID userId, Instant consumedAt, byte[] successorSealed, Instant sessionExpiresAt,
			Instant lastRefreshedAt, Instant revokedAt, List<String> roles, Instant refreshWindowStart,
			int refreshWindowCount) {

		boolean sessionLive(Instant now, Instant idleCutoff) {
			return this.revokedAt == null && now.isBefore(this.sessionExpiresAt) && this.lastRefreshedAt.isAfter(idleCutoff);
		}

	}

}
