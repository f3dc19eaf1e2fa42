package dev.portcullis.seeder;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.auth.crypto.ServerSecrets;
import dev.portcullis.auth.session.Session;
import dev.portcullis.auth.token.AccessTokenIssuer;
import dev.portcullis.auth.user.EmailAddress;
import dev.portcullis.auth.user.PasswordHasher;
import dev.portcullis.auth.user.PasswordPolicy;
import dev.portcullis.auth.user.User;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Test users with live sessions, made in bulk for load tests without paying Argon2id per user:
 * one password hash for all (the service's hasher and policy), batched inserts, refresh tokens
 * stored as the service stores a login's, and access tokens signed by the service's issuer.
 */
@Component
class TestSessions {

	/** Users per batch: one multi-row insert per table, and a few thousand bound values. */
	static final int BATCH = 500;

	/** Batches in flight: one inserting while the next one's access tokens are signed. */
	private static final int BATCHES_IN_FLIGHT = 2;

	/** Access tokens signed at once: enough to keep every signing thread busy. */
	private static final int SIGNING_CONCURRENCY = 4 * Runtime.getRuntime().availableProcessors();

	/** The length of a refresh token, as a login's: 32 bytes from the DRBG, 43 base64url characters. */
	private static final int REFRESH_TOKEN_BYTES = 32;

	/** Reserved for addresses that can never receive mail (RFC 2606). */
	static final String EMAIL_DOMAIN = "load-test.invalid";

	/** The user agent of every seeded session. */
	static final String USER_AGENT = "portcullis seed-sessions";

	private final TestUserRepository users;

	private final TestSessionRepository sessions;

	private final LoadTestMarkerRepository marker;

	private final PasswordPolicy policy;

	private final PasswordHasher hasher;

	private final ServerSecrets secrets;

	private final AccessTokenIssuer issuer;

	private final Randoms randoms;

	private final TransactionalOperator transactions;

	private final AuthProperties properties;

	private final Clock clock;

	private final boolean embedded;

	TestSessions(TestUserRepository users, TestSessionRepository sessions, LoadTestMarkerRepository marker,
			PasswordPolicy policy, PasswordHasher hasher, ServerSecrets secrets, AccessTokenIssuer issuer, Randoms randoms,
			TransactionalOperator transactions, AuthProperties properties, Clock clock, ConnectionFactory connectionFactory) {
		this.users = users;
		this.sessions = sessions;
		this.marker = marker;
		this.policy = policy;
		this.hasher = hasher;
		this.secrets = secrets;
		this.issuer = issuer;
		this.randoms = randoms;
		this.transactions = transactions;
		this.properties = properties;
		this.clock = clock;
		this.embedded = connectionFactory.getMetadata().getName().contains("H2");
	}

	/**
	 * {@code count} new test users, each with one live session. With {@code passwordLogin} they
	 * all have {@code password} (a random one when null), for scenarios that log in; without it
	 * their password is a random secret nobody keeps, so the seeded accounts cannot be logged in
	 * to, and the file's password column is empty. Emits them as their batches are stored, in
	 * order. Without {@code signAccessTokens} the access token is left empty: RS256 signing is
	 * most of the cost, and a client's first call then refreshes, as one whose access cookie
	 * expired does.
	 */
	Flux<SeededSession> seed(int count, String password, boolean passwordLogin, boolean signAccessTokens) {
		String secret = "Load-" + this.randoms.token(24);
		String shared = !passwordLogin ? secret : (password != null) ? password : "Load-" + this.randoms.token(12);
		String written = passwordLogin ? shared : "";
		String run = HexFormat.of().formatHex(this.randoms.bytes(4));
		return Mono.fromRunnable(() -> this.policy.check(shared))
			.then(this.hasher.hash(shared))
			.flatMapMany((hash) -> Flux.range(0, count)
				.buffer(BATCH)
				.flatMapSequential((numbers) -> seedBatch(run, numbers, hash, written, signAccessTokens), BATCHES_IN_FLIGHT));
	}

	/**
	 * Whether this database may be seeded: it is marked as a load-test database, or it is the
	 * embedded H2 one (never production), or it has no users but test users, and is marked now;
	 * with {@code mark}, it is marked whatever it holds.
	 */
	Mono<Target> admit(boolean mark) {
		if (this.embedded) {
			return Mono.just(new Target(true, 0));
		}
		return this.marker.isMarked().flatMap((marked) -> {
			if (marked) {
				return Mono.just(new Target(true, 0));
			}
			return this.users.countOthers().flatMap((others) -> (mark || others == 0)
					? this.marker.mark(this.clock.instant(), mark ? "--mark-as-test-database" : "first seed, no other users")
						.thenReturn(new Target(true, others))
					: Mono.just(new Target(false, others)));
		});
	}

	/** How many test users there are and how many of their sessions are live. */
	Mono<Summary> summary() {
		Instant now = this.clock.instant();
		return Mono.zip(this.users.count(), this.sessions.countLive(now, now.minus(this.properties.sessionIdleTtl())))
			.map((counts) -> new Summary(counts.getT1(), counts.getT2()));
	}

	/** Deletes every test user with its sessions, and nothing else; emits how many users. */
	Mono<Long> delete() {
		return this.users.delete(BATCH);
	}

	private Flux<SeededSession> seedBatch(String run, List<Integer> numbers, String hash, String password,
			boolean signAccessTokens) {
		return Mono.fromCallable(() -> {
			Instant now = this.clock.instant();
			return numbers.stream()
				.map((n) -> new User(this.randoms.uuid(), EmailAddress.normalise("load-" + run + "-" + n + "@" + EMAIL_DOMAIN),
						hash, this.properties.defaultRoles(), now))
				.toList();
		}).flatMapMany((created) -> this.users.insert(created).thenMany(start(created, password, signAccessTokens)));
	}

	/**
	 * A session for each of {@code users}: the sessions and their refresh tokens in one
	 * transaction of batched inserts, then, if {@code signAccessTokens}, an access token for each,
	 * signed as for a login. Emits them in the order of {@code users}.
	 */
	private Flux<SeededSession> start(List<User> users, String password, boolean signAccessTokens) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(this.properties.sessionTtl());
		List<Session> started = new ArrayList<>(users.size());
		List<String> refreshTokens = new ArrayList<>(users.size());
		List<byte[]> hashes = new ArrayList<>(users.size());
		for (User user : users) {
			started.add(new Session(this.randoms.uuid(), user.id(), now, now, expiresAt, USER_AGENT, null));
			String refreshToken = this.randoms.token(REFRESH_TOKEN_BYTES);
			refreshTokens.add(refreshToken);
			hashes.add(this.secrets.pepperedHash(refreshToken));
		}
		return this.sessions.insert(started, hashes)
			.as(this.transactions::transactional)
			.thenMany(Flux.range(0, users.size())
				.flatMapSequential((i) -> {
					User user = users.get(i);
					Mono<String> access = signAccessTokens
							? this.issuer.issue(user.id(), started.get(i).id(), user.roles(), expiresAt).map((token) -> token.value())
							: Mono.just("");
					return access.map((token) -> new SeededSession(user.id(), user.email(), password, token, refreshTokens.get(i)));
				}, SIGNING_CONCURRENCY));
	}

	/**
	 * Whether seeding may go on, and how many users the database has that seeding did not make.
	 */
	record Target(boolean admitted, long otherUsers) {
	}

	/** What {@link #summary} counts. */
	record Summary(long users, long liveSessions) {
	}

}
