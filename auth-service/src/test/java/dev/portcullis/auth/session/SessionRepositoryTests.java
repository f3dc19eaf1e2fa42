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

/** The purge statements of the session store; sessions far in the past so no other test's rows count. */
@AuthServiceTest
class SessionRepositoryTests {

	static final Instant CUTOFF = Instant.parse("1997-07-01T00:00:00Z");

	static final Instant BEFORE = CUTOFF.minus(Duration.ofDays(30));

	static final Instant FAR_AHEAD = Instant.parse("2100-01-01T00:00:00Z");

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

	private static Session session(UUID id, UUID user, Instant expiresAt) {
		return new Session(id, user, BEFORE.minus(Duration.ofDays(1)), BEFORE.minus(Duration.ofDays(1)), expiresAt, null, null);
	}

	/** Distinct per name and per test run, like a peppered hash of a fresh token. */
	private static byte[] hash(String name) {
		return (name + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
	}

}
