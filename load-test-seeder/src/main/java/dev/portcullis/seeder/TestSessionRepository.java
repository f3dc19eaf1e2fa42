package dev.portcullis.seeder;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.auth.session.Session;
import dev.portcullis.auth.support.Times;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * Sessions of test users in the service's {@code sessions} and {@code refresh_tokens} tables,
 * stored as a login stores them (the refresh token only as its peppered hash), so the service
 * refreshes and revokes them like any other; the seeder's tests hold it to that.
 */
@Repository
class TestSessionRepository {

	private final DatabaseClient db;

	TestSessionRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Inserts many sessions, each with its first refresh token, in two multi-row statements.
	 * The sessions share their creation and expiry times and client: the first one's.
	 */
	Mono<Void> insert(List<Session> sessions, List<byte[]> tokenHashes) {
		Session first = sessions.get(0);
		StringBuilder sessionSql = new StringBuilder("INSERT INTO sessions "
				+ "(id, user_id, created_at, last_refreshed_at, expires_at, user_agent, client_ip) VALUES ");
		StringBuilder tokenSql = new StringBuilder("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ");
		Map<String, Object> sessionValues = new HashMap<>();
		Map<String, Object> tokenValues = new HashMap<>();
		sessionValues.put("created", Times.db(first.createdAt()));
		sessionValues.put("expires", Times.db(first.expiresAt()));
		sessionValues.put("agent", Parameter.fromOrEmpty(first.userAgent(), String.class));
		sessionValues.put("ip", Parameter.fromOrEmpty(first.clientIp(), String.class));
		tokenValues.put("created", Times.db(first.createdAt()));
		for (int i = 0; i < sessions.size(); i++) {
			String separator = (i > 0) ? ", " : "";
			sessionSql.append(separator).append("(:id").append(i).append(", :user").append(i)
				.append(", :created, :created, :expires, :agent, :ip)");
			sessionValues.put("id" + i, sessions.get(i).id());
			sessionValues.put("user" + i, sessions.get(i).userId());
			tokenSql.append(separator).append("(:hash").append(i).append(", :session").append(i).append(", :created)");
			tokenValues.put("hash" + i, tokenHashes.get(i));
			tokenValues.put("session" + i, sessions.get(i).id());
		}
		return this.db.sql(sessionSql.toString())
			.bindValues(sessionValues)
			.then()
			.then(this.db.sql(tokenSql.toString()).bindValues(tokenValues).then());
	}

	/** How many sessions of test users are live: not revoked, not expired, refreshed since {@code idleCutoff}. */
	Mono<Long> countLive(Instant now, Instant idleCutoff) {
		return this.db
			.sql("SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.test_user = TRUE "
					+ "AND s.revoked_at IS NULL AND s.expires_at > :now AND s.last_refreshed_at > :idle")
			.bind("now", Times.db(now))
			.bind("idle", Times.db(idleCutoff))
			.map((row) -> row.get("n", Long.class))
			.one();
	}

}
