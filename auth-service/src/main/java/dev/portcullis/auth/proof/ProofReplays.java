package dev.portcullis.auth.proof;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

import dev.portcullis.auth.support.Batches;
import dev.portcullis.auth.support.Times;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The proofs already accepted, shared by every replica through the database: a proof is accepted
 * once, by whichever replica inserts its row first (the primary key decides, not a lock in one
 * process). A row is kept until its proof is stale anyway, then purged.
 */
@Repository
class ProofReplays {

	private final DatabaseClient db;

	ProofReplays(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Remembers the proof until {@code expiresAt}.
	 * @return true if this is the first time it is seen, false if a proof by the same key with the
	 * same {@code jti} was accepted before
	 */
	Mono<Boolean> firstUse(Proof proof, Instant expiresAt) {
		return this.db.sql("INSERT INTO proof_replays (proof_id, expires_at) VALUES (:id, :expires) ON CONFLICT DO NOTHING")
			.bind("id", id(proof))
			.bind("expires", Times.db(expiresAt))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** Deletes, {@code batchSize} rows per statement, the proofs that expired before {@code now}; emits how many. */
	Mono<Long> deleteExpired(Instant now, int batchSize) {
		return Batches.repeat(batchSize, () -> this.db
			.sql("DELETE FROM proof_replays WHERE proof_id IN (SELECT proof_id FROM proof_replays WHERE expires_at < :now "
					+ "LIMIT :batch)")
			.bind("now", Times.db(now))
			.bind("batch", batchSize)
			.fetch()
			.rowsUpdated());
	}

	/** SHA-256 of thumbprint "." jti: a fixed 32 bytes however long the client made its jti. */
	static byte[] id(Proof proof) {
		try {
			return MessageDigest.getInstance("SHA-256")
				.digest((proof.thumbprint() + "." + proof.jti()).getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
