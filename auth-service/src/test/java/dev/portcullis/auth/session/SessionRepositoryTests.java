package dev.portcullis.auth.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.auth.support.Times;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The purge statements of the session store; sessions far in the past so no other test's rows count. */
@AuthServiceTest
class SessionRepositoryTests {

	static final Instant CUTOFF = Instant.parse("1997-07-01T00:00:00Z");

	static final Instant BEFORE = CUTOFF.minus(Duration.ofDays(30));

	static final Instant FAR_AHEAD = Instant.parse("2100-01-01T00:00:00Z");

	/** "Now" for the rotation tests: after every purge cutoff the other tests use, before FAR_AHEAD. */
	static final Instant LATER = Instant.parse("2050-01-01T00:00:00Z");

	static final Duration IDLE_TTL = Duration.ofDays(7);

	/** A refresh window that began at or before this is over at {@link #LATER}. */
	static final Instant WINDOW_OPEN = LATER.minus(Duration.ofMinutes(15));

	static final int ROTATIONS = 6;

	@Autowired
	SessionRepository sessions;

	@Autowired
	DatabaseClient db;

	@Test
	void deleteEndedBeforeWhenMoreEndedSessionsThanABatchThenDeletesThemWithTheirTokensAndKeepsTheRest() {
		UUID user = UUID.randomUUID();
		UUID expired = UUID.randomUUID();
		UUID revoked = UUID.randomUUID();
		UUID live = UUID.randomUUID();
		byte[] expiredToken = hash("expired");
		// drawn up front: SecureRandom may read /dev/urandom, which BlockHound rejects on a database thread
		List<UUID> alsoExpired = List.of(UUID.randomUUID(), UUID.randomUUID());
		Mono<Void> given = insertUser(user)
			.then(this.sessions.insertSession(session(expired, user, BEFORE)))
			.then(this.sessions.insertToken(expiredToken, expired, BEFORE))
			.thenMany(Flux.fromIterable(alsoExpired).concatMap((id) -> this.sessions.insertSession(session(id, user, BEFORE))))
			.then(this.sessions.insertSession(session(revoked, user, FAR_AHEAD)))
			.then(this.sessions.revoke(revoked, "logout", BEFORE))
			.then(this.sessions.insertSession(session(live, user, FAR_AHEAD)));

		given.then(this.sessions.deleteEndedBefore(CUTOFF, 2)).as(StepVerifier::create).expectNext(4L).verifyComplete();

		this.sessions.findToken(expiredToken).as(StepVerifier::create).verifyComplete();
		sessionsOf(user).as(StepVerifier::create).expectNext(live).verifyComplete();
	}

	@Test
	void clearSealedSuccessorsWhenConsumedBeforeCutoffThenErasesOnlyThoseAndKeepsTheTokens() {
		UUID user = UUID.randomUUID();
		UUID session = UUID.randomUUID();
		byte[] first = hash("first");
		byte[] second = hash("second");
		byte[] recent = hash("recent");
		Mono<Void> given = insertUser(user).then(this.sessions.insertSession(session(session, user, FAR_AHEAD)))
			.then(consumed(first, session, BEFORE))
			.then(consumed(second, session, BEFORE.plusSeconds(1)))
			.then(consumed(recent, session, CUTOFF.plusSeconds(1)));

		given.then(this.sessions.clearSealedSuccessors(CUTOFF, 1)).as(StepVerifier::create).expectNext(2L).verifyComplete();

		this.sessions.findToken(first).as(StepVerifier::create).assertNext((token) -> {
			assertThat(token.successorSealed()).isNull();
			assertThat(token.consumedAt()).isEqualTo(BEFORE);
		}).verifyComplete();
		this.sessions.findToken(second).as(StepVerifier::create)
			.assertNext((token) -> assertThat(token.successorSealed()).isNull())
			.verifyComplete();
		this.sessions.findToken(recent).as(StepVerifier::create)
			.assertNext((token) -> assertThat(token.successorSealed()).isNotNull())
			.verifyComplete();
	}

	@Test
	void findTokenWhenStoredRolesPaddedThenSameTrimmedRolesAsLogin() {
		UUID user = UUID.randomUUID();
		UUID session = UUID.randomUUID();
		byte[] token = hash("padded-roles");
		Mono<Void> given = insertUser(user)
			.then(this.db.sql("UPDATE users SET roles = ' user , admin,, ' WHERE id = :id").bind("id", user).then())
			.then(this.sessions.insertSession(session(session, user, FAR_AHEAD)))
			.then(this.sessions.insertToken(token, session, BEFORE));

		given.then(this.sessions.findToken(token))
			.as(StepVerifier::create)
			.assertNext((state) -> assertThat(state.roles()).containsExactly("user", "admin"))
			.verifyComplete();
	}

	/** Whether this database rotates in one statement; the embedded subclass says no. */
	boolean oneStatementRotation() {
		return true;
	}

	@Test
	void rotatesInOneStatementWhenStartedThenChosenForTheDatabase() {
		assertThat(this.sessions.rotatesInOneStatement()).isEqualTo(oneStatementRotation());
	}

	/** No transaction around it: the statement alone consumes, touches, inserts and commits. */
	@Test
	void rotateWhenTokenUnconsumedAndSessionLiveThenConsumesTouchesAndInsertsTheSuccessorOutsideATransaction() {
		assumeTrue(this.sessions.rotatesInOneStatement(), "PostgreSQL only");
		UUID user = UUID.randomUUID();
		UUID session = UUID.randomUUID();
		byte[] token = hash("live");
		byte[] successor = hash("successor");
		byte[] sealed = { 7, 7, 7 };
		Mono<Void> given = insertUser(user)
			.then(this.db.sql("UPDATE users SET roles = 'user,admin' WHERE id = :id").bind("id", user).then())
			// inserted as last refreshed when created: one second inside the idle limit
			.then(this.sessions.insertSession(session(session, user, LATER.minus(IDLE_TTL).plusSeconds(1), FAR_AHEAD)))
			.then(this.sessions.insertToken(token, session, LATER.minus(Duration.ofDays(10))));

		given.then(this.sessions.rotate(token, successor, sealed, LATER, LATER.minus(IDLE_TTL), WINDOW_OPEN, ROTATIONS))
			.as(StepVerifier::create)
			.assertNext((state) -> {
				assertThat(state.sessionId()).isEqualTo(session);
				assertThat(state.userId()).isEqualTo(user);
				assertThat(state.roles()).containsExactly("user", "admin");
				assertThat(state.sessionExpiresAt()).isEqualTo(FAR_AHEAD);
			})
			.verifyComplete();

		this.sessions.findToken(token).as(StepVerifier::create).assertNext((state) -> {
			assertThat(state.consumedAt()).isEqualTo(LATER);
			assertThat(state.successorSealed()).containsExactly(sealed);
			assertThat(state.lastRefreshedAt()).as("the session was touched").isEqualTo(LATER);
		}).verifyComplete();
		this.sessions.findToken(successor).as(StepVerifier::create).assertNext((state) -> {
			assertThat(state.sessionId()).isEqualTo(session);
			assertThat(state.consumedAt()).isNull();
		}).verifyComplete();
		assertThat(successorHashOf(token).block(Duration.ofSeconds(10))).containsExactly(successor);

		// consumed now: a second rotation of the same token matches nothing and inserts nothing
		this.sessions.rotate(token, hash("second successor"), sealed, LATER.plusSeconds(1), LATER.minus(IDLE_TTL), WINDOW_OPEN, ROTATIONS)
			.as(StepVerifier::create)
			.verifyComplete();
		tokensOf(session).as(StepVerifier::create).expectNext(2L).verifyComplete();
	}

	/** The statement's liveness checks are those of TokenState.sessionLive: revoked, expired, idle. */
	@Test
	void rotateWhenSessionRevokedExpiredOrIdleThenNothingConsumedOrInserted() {
		assumeTrue(this.sessions.rotatesInOneStatement(), "PostgreSQL only");
		UUID user = UUID.randomUUID();
		UUID revoked = UUID.randomUUID();
		UUID expired = UUID.randomUUID();
		UUID idle = UUID.randomUUID();
		UUID live = UUID.randomUUID();
		byte[] revokedToken = hash("revoked");
		byte[] expiredToken = hash("expired");
		byte[] idleToken = hash("idle");
		byte[] liveToken = hash("live");
		Instant created = LATER.minus(Duration.ofDays(1));
		Instant idleCutoff = LATER.minus(IDLE_TTL);
		// a session is inserted as last refreshed when created
		Mono<Void> given = insertUser(user)
			.then(this.sessions.insertSession(session(revoked, user, created, FAR_AHEAD)))
			.then(this.sessions.revoke(revoked, "logout", LATER.minusSeconds(1)))
			// expires exactly now: not live (now must be before the expiry)
			.then(this.sessions.insertSession(session(expired, user, created, LATER)))
			// refreshed exactly at the idle cutoff: not live (must be after it)
			.then(this.sessions.insertSession(session(idle, user, idleCutoff, FAR_AHEAD)))
			.then(this.sessions.insertSession(session(live, user, idleCutoff.plusMillis(1), FAR_AHEAD)))
			.then(this.sessions.insertToken(revokedToken, revoked, created))
			.then(this.sessions.insertToken(expiredToken, expired, created))
			.then(this.sessions.insertToken(idleToken, idle, created))
			.then(this.sessions.insertToken(liveToken, live, created));

		given.thenMany(Flux.concat(
				this.sessions.rotate(revokedToken, hash("successor"), new byte[] { 1 }, LATER, idleCutoff, WINDOW_OPEN, ROTATIONS),
				this.sessions.rotate(expiredToken, hash("successor"), new byte[] { 1 }, LATER, idleCutoff, WINDOW_OPEN, ROTATIONS),
				this.sessions.rotate(idleToken, hash("successor"), new byte[] { 1 }, LATER, idleCutoff, WINDOW_OPEN, ROTATIONS),
				this.sessions.rotate(hash("unknown"), hash("successor"), new byte[] { 1 }, LATER, idleCutoff, WINDOW_OPEN, ROTATIONS)))
			.as(StepVerifier::create)
			.verifyComplete();
		for (byte[] token : List.of(revokedToken, expiredToken, idleToken)) {
			this.sessions.findToken(token).as(StepVerifier::create)
				.assertNext((state) -> assertThat(state.consumedAt()).isNull())
				.verifyComplete();
		}
		for (UUID session : List.of(revoked, expired, idle)) {
			tokensOf(session).as(StepVerifier::create).expectNext(1L).verifyComplete();
		}
		// the same times, one millisecond inside the idle limit: rotates
		this.sessions.rotate(liveToken, hash("successor"), new byte[] { 1 }, LATER, idleCutoff, WINDOW_OPEN, ROTATIONS)
			.as(StepVerifier::create)
			.expectNextCount(1)
			.verifyComplete();
	}

	/** The refresh limit is checked before the token is consumed: a limited session keeps its token. */
	@Test
	void rotateWhenSessionUsedItsRotationsInTheWindowThenNothingConsumedUntilTheWindowIsOver() {
		assumeTrue(this.sessions.rotatesInOneStatement(), "PostgreSQL only");
		UUID user = UUID.randomUUID();
		UUID session = UUID.randomUUID();
		byte[] token = hash("limited");
		byte[] successor = hash("successor");
		Instant windowStart = WINDOW_OPEN.plusSeconds(1);
		Mono<Void> given = insertUser(user)
			.then(this.sessions.insertSession(session(session, user, LATER.minus(Duration.ofDays(1)), FAR_AHEAD)))
			.then(this.sessions.insertToken(token, session, LATER.minus(Duration.ofDays(1))))
			.then(this.db.sql("UPDATE sessions SET refresh_window_start = :start, refresh_window_count = :count WHERE id = :id")
				.bind("start", Times.db(windowStart))
				.bind("count", ROTATIONS)
				.bind("id", session)
				.then());

		given.then(this.sessions.rotate(token, successor, new byte[] { 1 }, LATER, LATER.minus(IDLE_TTL), WINDOW_OPEN,
				ROTATIONS))
			.as(StepVerifier::create)
			.verifyComplete();
		this.sessions.findToken(token).as(StepVerifier::create).assertNext((state) -> {
			assertThat(state.consumedAt()).isNull();
			assertThat(state.refreshWindowCount()).isEqualTo(ROTATIONS);
		}).verifyComplete();

		// a second later that window is over: it rotates and opens a new window of one rotation
		this.sessions.rotate(token, successor, new byte[] { 1 }, LATER.plusSeconds(1), LATER.minus(IDLE_TTL),
				WINDOW_OPEN.plusSeconds(1), ROTATIONS)
			.as(StepVerifier::create)
			.expectNextCount(1)
			.verifyComplete();
		this.sessions.findToken(successor).as(StepVerifier::create).assertNext((state) -> {
			assertThat(state.refreshWindowStart()).isEqualTo(LATER.plusSeconds(1));
			assertThat(state.refreshWindowCount()).isEqualTo(1);
		}).verifyComplete();
	}

	private Mono<Long> tokensOf(UUID session) {
		return this.db.sql("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = :id")
			.bind("id", session)
			.map((row) -> row.get("n", Long.class))
			.one();
	}

	private Mono<byte[]> successorHashOf(byte[] token) {
		return this.db.sql("SELECT successor_hash FROM refresh_tokens WHERE token_hash = :hash")
			.bind("hash", token)
			.map((row) -> row.get("successor_hash", byte[].class))
			.one();
	}

	private Mono<Void> consumed(byte[] hash, UUID session, Instant at) {
		return this.sessions.insertToken(hash, session, at)
			.then(this.sessions.consume(hash, hash("successor"), new byte[] { 1, 2, 3 }, at))
			.then();
	}

	private Mono<Void> insertUser(UUID id) {
		return this.db
			.sql("INSERT INTO users (id, email, password_hash, roles, created_at, updated_at) "
					+ "VALUES (:id, :email, 'not a hash', 'user', :at, :at)")
			.bind("id", id)
			.bind("email", uniqueEmail())
			.bind("at", Times.db(BEFORE))
			.then();
	}

	private Flux<UUID> sessionsOf(UUID user) {
		return this.db.sql("SELECT id FROM sessions WHERE user_id = :user")
			.bind("user", user)
			.map((row) -> row.get("id", UUID.class))
			.all();
	}

	private static Session session(UUID id, UUID user, Instant createdAt, Instant expiresAt) {
		return new Session(id, user, createdAt, createdAt, expiresAt, null, null);
	}

	private static Session session(UUID id, UUID user, Instant expiresAt) {
		return new Session(id, user, BEFORE.minus(Duration.ofDays(1)), BEFORE.minus(Duration.ofDays(1)), expiresAt, null, null);
	}

	/** Distinct per name and per test run, like a peppered hash of a fresh token. */
	private static byte[] hash(String name) {
		return (name + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
	}

}
