package dev.portcullis.auth.proof;

import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The key thumbprint a session is bound to ({@code sessions.proof_jkt}), the one column of the
 * sessions table this feature owns.
 */
@Repository
class SessionKeys {

	private final DatabaseClient db;

	SessionKeys(DatabaseClient db) {
		this.db = db;
	}

	/** Binds a session that was just started to the key with this thumbprint. */
	Mono<Void> bind(UUID sessionId, String thumbprint) {
		return this.db.sql("UPDATE sessions SET proof_jkt = :jkt WHERE id = :id AND proof_jkt IS NULL")
			.bind("jkt", thumbprint)
			.bind("id", sessionId)
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows == 1) ? Mono.<Void>empty()
					: Mono.error(new IllegalStateException("Session " + sessionId + " is gone or bound already")));
	}

	/**
	 * The session a refresh token belongs to, with its key, if the token is known and its session
	 * not revoked (a revoked session's refresh is refused by the rotation, whatever its proof).
	 */
	Mono<BoundSession> findLiveByRefreshToken(byte[] tokenHash) {
		return this.db
			.sql("SELECT s.id, s.user_id, s.proof_jkt FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id "
					+ "WHERE rt.token_hash = :hash AND s.revoked_at IS NULL")
			.bind("hash", tokenHash)
			.map((row) -> new BoundSession(row.get("id", UUID.class), row.get("user_id", UUID.class),
					row.get("proof_jkt", String.class)))
			.one();
	}

	/**
	 * A session and the thumbprint of its key.
	 *
	 * @param thumbprint null for a session its login did not bind
	 */
	record BoundSession(UUID sessionId, UUID userId, String thumbprint) {

		boolean bound() {
			return this.thumbprint != null;
		}

	}

}
