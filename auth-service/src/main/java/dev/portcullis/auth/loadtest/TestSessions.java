package dev.portcullis.auth.loadtest;

import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.auth.session.ClientInfo;
import dev.portcullis.auth.session.SessionService;
import dev.portcullis.auth.user.User;
import dev.portcullis.auth.user.UserService;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Test users with live sessions, made in bulk for load tests without paying Argon2id per user:
 * one password hash for all, batched inserts, and cookies made by the same code as a login's.
 */
@Component
class TestSessions {

	/** Users per batch: one multi-row insert per table, and a few thousand bound values. */
	static final int BATCH = 500;

	/** Batches in flight: one inserting while the next one's access tokens are signed. */
	private static final int BATCHES_IN_FLIGHT = 2;

	/** Reserved for addresses that can never receive mail (RFC 2606). */
	static final String EMAIL_DOMAIN = "load-test.invalid";

	private static final ClientInfo CLIENT = new ClientInfo("portcullis seed-sessions", null);

	private final UserService users;

	private final SessionService sessions;

	private final Randoms randoms;

	private final LoadTestMarkerRepository marker;

	private final Clock clock;

	private final boolean embedded;

	TestSessions(UserService users, SessionService sessions, Randoms randoms, LoadTestMarkerRepository marker, Clock clock,
			ConnectionFactory connectionFactory) {
		this.users = users;
		this.sessions = sessions;
		this.randoms = randoms;
		this.marker = marker;
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
		return this.users.hashTestPassword(shared)
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
			return this.users.countOtherThanTestUsers().flatMap((others) -> (mark || others == 0)
					? this.marker.mark(this.clock.instant(), mark ? "--mark-as-test-database" : "first seed, no other users")
						.thenReturn(new Target(true, others))
					: Mono.just(new Target(false, others)));
		});
	}

	/** How many test users there are and how many of their sessions are live. */
	Mono<Summary> summary() {
		return Mono.zip(this.users.countTestUsers(), this.sessions.countActiveOfTestUsers())
			.map((counts) -> new Summary(counts.getT1(), counts.getT2()));
	}

	/** Deletes every test user with its sessions, and nothing else; emits how many users. */
	Mono<Long> delete() {
		return this.users.deleteTestUsers(BATCH);
	}

	private Flux<SeededSession> seedBatch(String run, List<Integer> numbers, String hash, String password,
			boolean signAccessTokens) {
		List<String> emails = numbers.stream().map((n) -> "load-" + run + "-" + n + "@" + EMAIL_DOMAIN).toList();
		return this.users.createTestUsers(emails, hash)
			.flatMapMany((created) -> this.sessions.startAll(created, CLIENT, signAccessTokens)
				.zipWithIterable(created, (issued, user) -> seeded(user, password,
						(issued.accessToken() != null) ? issued.accessToken().value() : "", issued.refreshToken())));
	}

	private static SeededSession seeded(User user, String password, String access, String refresh) {
		return new SeededSession(user.id(), user.email(), password, access, refresh);
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
