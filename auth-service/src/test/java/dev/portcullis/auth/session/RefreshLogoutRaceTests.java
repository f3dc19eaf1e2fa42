package dev.portcullis.auth.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A refresh that races a logout never mints a token for the revoked session. */
@AuthServiceTest
class RefreshLogoutRaceTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** How the one rotation statement begins: consume, then touch, then insert the successor. */
	private static final String ROTATION = "WITH consumed AS (UPDATE refresh_tokens SET consumed_at";

	@Autowired
	WebTestClient client;

	@Autowired
	SessionService sessions;

	@Autowired
	DatabaseClient db;

	AuthClient auth;

	@BeforeEach
	void setUp() {
		// Argon2 logins on a shared, busy machine can take longer than the default 5s.
		this.auth = new AuthClient(this.client.mutate().responseTimeout(Duration.ofSeconds(30)).build());
	}

	@Test
	void refreshWhenSessionLoggedOutThenInvalidRefresh() {
		Tokens tokens = this.auth.newSession();
		this.client.post().uri("/auth/logout").cookie(AuthClient.REFRESH, tokens.refresh()).exchange()
			.expectStatus().isNoContent();
		this.auth.refresh(tokens.refresh()).expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

	/**
	 * The logout holds the session row while the refresh has found the token live: the rotation,
	 * one statement, waits on the row, sees the revocation once it commits, and inserts no
	 * successor. The statement alone is the transaction: the token it consumed stays consumed (a
	 * transaction around it would have rolled that back), which changes nothing, since its
	 * session is over.
	 */
	@Test
	void refreshWhenLogoutCommitsBetweenTokenReadAndRotationThenInvalidRefreshAndNoSuccessor() throws Exception {
		Tokens tokens = this.auth.newSession();
		UUID sessionId = currentSessionId(tokens);
		try (Connection logout = TestDatabase.get().connect()) {
			logout.setAutoCommit(false);
			try (PreparedStatement revoke = logout
				.prepareStatement("UPDATE sessions SET revoked_at = now(), revoke_reason = 'logout' WHERE id = ?")) {
				revoke.setObject(1, sessionId);
				assertThat(revoke.executeUpdate()).isEqualTo(1);
			}
			CompletableFuture<IssuedSession> refresh = this.sessions.refresh(tokens.refresh(), new ClientInfo(null, null))
				.toFuture();
			assertThat(awaitLockWait()).as("the statement waiting on the session row").startsWith(ROTATION);
			logout.commit();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> refresh.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOfSatisfying(AuthException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_REFRESH));
		}
		assertThat(tokensOf(sessionId)).as("no successor was inserted").isEqualTo(1);
		assertThat(consumedTokensOf(sessionId)).as("the consume committed on its own, in the one statement").isEqualTo(1);
		this.auth.refresh(tokens.refresh()).expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

	/**
	 * A rotation is one statement, not a transaction of several: while another transaction holds
	 * the session row, the refresh waits inside the statement that consumes the token, touches
	 * the session and inserts the successor, with nothing of it visible; once the row is free it
	 * completes by itself.
	 */
	@Test
	void refreshWhenSessionRowHeldThenWaitsInTheOneRotationStatementAndRotatesOnceFree() throws Exception {
		Tokens tokens = this.auth.newSession();
		UUID sessionId = currentSessionId(tokens);
		IssuedSession issued;
		try (Connection holder = TestDatabase.get().connect()) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM sessions WHERE id = ? FOR UPDATE")) {
				lock.setObject(1, sessionId);
				lock.executeQuery().close();
			}
			CompletableFuture<IssuedSession> refresh = this.sessions.refresh(tokens.refresh(), new ClientInfo(null, null))
				.toFuture();
			assertThat(awaitLockWait()).as("the statement waiting on the session row").startsWith(ROTATION);
			assertThat(consumedTokensOf(sessionId)).as("nothing of the rotation is visible yet").isZero();
			assertThat(tokensOf(sessionId)).isEqualTo(1);
			holder.rollback();
			issued = refresh.get(10, TimeUnit.SECONDS);
		}
		assertThat(issued.sessionId()).isEqualTo(sessionId);
		assertThat(issued.refreshToken()).isNotEqualTo(tokens.refresh());
		assertThat(tokensOf(sessionId)).as("the token and its successor").isEqualTo(2);
		assertThat(consumedTokensOf(sessionId)).isEqualTo(1);
		this.auth.refresh(issued.refreshToken()).expectStatus().isOk();
	}

	/** Many sessions, each logged out and refreshed at once: whoever wins, each ends and is recorded. */
	@Test
	void refreshWhenConcurrentWithLogoutThenSessionEndsEitherWay() {
		List<Tokens> all = Flux.range(0, 10).map((i) -> this.auth.newSession()).collectList().block(TIMEOUT.multipliedBy(3));
		Flux.fromIterable(all)
			.flatMap((tokens) -> Flux.merge(this.sessions.logout(tokens.refresh(), null).thenReturn("logout"),
					this.sessions.refresh(tokens.refresh(), new ClientInfo(null, null))
						.thenReturn("refreshed")
						.onErrorReturn(AuthException.class, "refused")))
			.collectList()
			.block(TIMEOUT);
		List<String> emails = all.stream().map(Tokens::email).toList();
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id "
				+ "WHERE u.email IN (:emails) AND s.revoked_at IS NULL")
			.bind("emails", emails)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(TIMEOUT)).as("live sessions").isZero();
		// Whoever won, the logout was recorded, so a token the refresh minted is refused at the gateway.
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM revocation_events e WHERE e.kind = 'session' AND e.subject IN ("
				+ "SELECT CAST(s.id AS VARCHAR(64)) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email IN (:emails))")
			.bind("emails", emails)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(TIMEOUT)).as("session events").isEqualTo(all.size());
	}

	/** The statement of the first backend found waiting for a lock in this database. */
	private String awaitLockWait() {
		return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
			.onBackpressureDrop()
			.concatMap((tick) -> this.db.sql("SELECT query FROM pg_stat_activity WHERE datname = current_database() "
					+ "AND wait_event_type = 'Lock'").map((row) -> row.get("query", String.class)).all().take(1))
			.next()
			.block(TIMEOUT);
	}

	private long tokensOf(UUID sessionId) {
		return this.db.sql("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = :id")
			.bind("id", sessionId)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(TIMEOUT);
	}

	private long consumedTokensOf(UUID sessionId) {
		return this.db.sql("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = :id AND consumed_at IS NOT NULL")
			.bind("id", sessionId)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(TIMEOUT);
	}

	@SuppressWarnings("unchecked")
	private UUID currentSessionId(Tokens tokens) {
		List<Map<String, Object>> list = this.auth.get("/auth/sessions", tokens).exchange().expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
		return UUID.fromString((String) list.stream().filter((s) -> Boolean.TRUE.equals(s.get("current"))).findFirst()
			.orElseThrow()
			.get("id"));
	}

}
