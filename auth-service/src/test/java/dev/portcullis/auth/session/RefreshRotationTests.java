package dev.portcullis.auth.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The session store's contract; runs on PostgreSQL here and on the embedded default in a subclass. */
@AuthServiceTest
class RefreshRotationTests {

	@Autowired
	WebTestClient client;

	@Autowired
	MutableClock clock;

	@Autowired
	DatabaseClient db;

	AuthClient auth;

	@Autowired
	ConnectionFactory connectionFactory;

	@Autowired
	MeterRegistry registry;

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
	}

	/** The database these tests must run on. */
	String expectedDatabase() {
		return "PostgreSQL";
	}

	@Test
	void storeWhenTestsRunThenOnTheIntendedDatabase() {
		assertThat(this.connectionFactory.getMetadata().getName()).containsIgnoringCase(expectedDatabase());
	}

	@Test
	void refreshWhenValidThenRotatesAndKeepsAbsoluteExpiry() {
		Tokens first = this.auth.newSession();
		EntityExchangeResult<byte[]> result = this.auth.refresh(first.refresh())
			.expectStatus().isOk()
			.expectBody().jsonPath("$.accessExpiresAt").isNotEmpty().returnResult();
		ResponseCookie refreshCookie = result.getResponseCookies().getFirst(AuthClient.REFRESH);
		assertThat(refreshCookie.getValue()).isNotEqualTo(first.refresh());
		Tokens second = new Tokens(result.getResponseCookies().getFirst(AuthClient.ACCESS).getValue(), refreshCookie.getValue(),
				first.email());
		this.auth.get("/auth/me", second).exchange().expectStatus().isOk().expectBody().jsonPath("$.email").isEqualTo(first.email());

		this.clock.advance(Duration.ofDays(1));
		Tokens third = this.auth.refreshed(second);
		this.auth.get("/auth/sessions", third).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$[0].expiresAt").value((String expiresAt) -> assertThat(java.time.Instant.parse(expiresAt))
				.isBefore(this.clock.instant().plus(Duration.ofDays(29).plusHours(1))));
	}

	/** Two refreshes of one token at once: one rotation, and the other gets its successor. */
	@Test
	void refreshWhenTwoConcurrentWithOneTokenThenOneRotatedAndOneGraceSuccessor() {
		Tokens tokens = this.auth.newSession();
		double rotated = refreshes("rotated");
		double grace = refreshes("grace_successor");
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<String> successors = Flux.range(0, 2)
				.parallel(2)
				.runOn(Schedulers.fromExecutorService(threads))
				.map((i) -> this.auth.refreshed(tokens).refresh())
				.sequential()
				.collectList()
				.block(Duration.ofSeconds(60));
			assertThat(successors).hasSize(2).doesNotContain(tokens.refresh());
			assertThat(successors.get(0)).isEqualTo(successors.get(1));
		}
		finally {
			threads.shutdown();
		}
		assertThat(refreshes("rotated")).isEqualTo(rotated + 1);
		assertThat(refreshes("grace_successor")).isEqualTo(grace + 1);
	}

	@Test
	void refreshWhenFiftyConcurrentWithOneTokenThenAllGetTheSameSuccessor() {
		concurrentRefreshesOfOneTokenAllSucceedWithOneSuccessor(50);
	}

	@Test
	void refreshWhenTwoHundredConcurrentWithOneTokenThenNoDeadlockAndOneSuccessor() {
		concurrentRefreshesOfOneTokenAllSucceedWithOneSuccessor(200);
	}

	private void concurrentRefreshesOfOneTokenAllSucceedWithOneSuccessor(int callers) {
		Tokens tokens = this.auth.newSession();
		Set<String> successors = ConcurrentHashMap.newKeySet();
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		try {
			List<Integer> statuses = Flux.range(0, callers)
				.parallel(callers)
				.runOn(Schedulers.fromExecutorService(threads))
				.map((i) -> {
					EntityExchangeResult<byte[]> result = this.auth.refresh(tokens.refresh()).expectBody().returnResult();
					ResponseCookie cookie = result.getResponseCookies().getFirst(AuthClient.REFRESH);
					if (cookie != null && !cookie.getValue().isEmpty()) {
						successors.add(cookie.getValue());
					}
					return result.getStatus().value();
				})
				.sequential()
				.collectList()
				.block(Duration.ofSeconds(120));
			assertThat(statuses).hasSize(callers).containsOnly(200);
		}
		finally {
			threads.shutdown();
		}
		assertThat(successors).hasSize(1);
		Tokens next = new Tokens(tokens.access(), successors.iterator().next(), tokens.email());
		Tokens after = this.auth.refreshed(next);
		this.auth.get("/auth/me", after).exchange().expectStatus().isOk();
	}

	@Test
	void refreshWhenTokenReusedAfterGraceThenRevokesSessionAndSuccessor() {
		Tokens first = this.auth.newSession();
		Tokens second = this.auth.refreshed(first);
		this.clock.advance(Duration.ofSeconds(11));

		this.auth.refresh(first.refresh()).expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
		this.auth.refresh(second.refresh()).expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
		this.auth.get("/auth/me", second).exchange().expectStatus().isUnauthorized();
		assertThat(auditEvents("refresh_token_reused")).isGreaterThanOrEqualTo(1);
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM revocation_events e WHERE e.kind = 'session' AND e.subject IN ("
				+ "SELECT CAST(s.id AS VARCHAR(64)) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = :email)")
			.bind("email", first.email())
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10))).as("the session's revocation event").isEqualTo(1);
	}

	@Test
	void refreshWhenTokenReusedWithinGraceThenSameSuccessorAndSessionLives() {
		Tokens first = this.auth.newSession();
		Tokens second = this.auth.refreshed(first);
		this.clock.advance(Duration.ofSeconds(5));
		Tokens again = this.auth.refreshed(first);
		assertThat(again.refresh()).isEqualTo(second.refresh());
		this.auth.refreshed(again);
	}

	@Test
	void refreshWhenUnknownOrMissingThenInvalidRefreshAndCookiesCleared() {
		EntityExchangeResult<byte[]> result = this.auth.refresh("not-a-token").expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh").returnResult();
		assertThat(result.getResponseCookies().getFirst(AuthClient.REFRESH).getMaxAge()).isZero();
		assertThat(result.getResponseCookies().getFirst(AuthClient.REFRESH).getPath()).isEqualTo("/auth");
		assertThat(result.getResponseCookies().getFirst(AuthClient.ACCESS).getMaxAge()).isZero();
		this.client.post().uri("/auth/refresh").exchange().expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

	@Test
	void refreshWhenSessionIdleTooLongThenInvalidRefresh() {
		Tokens tokens = this.auth.newSession();
		this.clock.advance(Duration.ofDays(7).plusMinutes(1));
		this.auth.refresh(tokens.refresh()).expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

	@Test
	void refreshWhenSessionPastAbsoluteExpiryThenInvalidRefreshEvenIfActive() {
		Tokens tokens = this.auth.newSession();
		for (int step = 0; step < 4; step++) {
			this.clock.advance(Duration.ofDays(6));
			tokens = this.auth.refreshed(tokens);
		}
		// 30 days and a minute after login, but only 6 days since the last refresh
		this.clock.advance(Duration.ofDays(6).plusMinutes(1));
		this.auth.refresh(tokens.refresh()).expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

	/** The default limit: six rotations per access-token lifetime (15 minutes here). */
	@Test
	void refreshWhenSessionPastItsRotationsThenRateLimitedAndTokenKeptUntilTheWindowEnds() {
		Tokens tokens = this.auth.newSession();
		for (int i = 0; i < 6; i++) {
			tokens = this.auth.refreshed(tokens);
		}
		double limited = refreshes("rate_limited");
		EntityExchangeResult<byte[]> refused = this.auth.refresh(tokens.refresh())
			.expectStatus().isEqualTo(429)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.code").isEqualTo("rate_limited").returnResult();
		long retryAfter = Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).isBetween(1L, Duration.ofMinutes(15).toSeconds());
		assertThat(refused.getResponseCookies()).as("a limited refresh keeps the cookies").isEmpty();
		assertThat(refreshes("rate_limited")).isEqualTo(limited + 1);
		this.auth.get("/auth/me", tokens).exchange().expectStatus().isOk();

		this.clock.advance(Duration.ofSeconds(retryAfter));
		Tokens after = this.auth.refreshed(tokens);
		this.auth.get("/auth/me", after).exchange().expectStatus().isOk();
	}

	@Test
	void refreshWhenOneSessionIsRateLimitedThenAnotherSessionOfTheSameUserRotates() {
		Tokens limitedSession = this.auth.newSession();
		Tokens otherSession = this.auth.loggedIn(limitedSession.email(), AuthClient.PASSWORD);
		for (int i = 0; i < 6; i++) {
			limitedSession = this.auth.refreshed(limitedSession);
		}
		this.auth.refresh(limitedSession.refresh()).expectStatus().isEqualTo(429)
			.expectBody().jsonPath("$.code").isEqualTo("rate_limited");
		for (int i = 0; i < 6; i++) {
			otherSession = this.auth.refreshed(otherSession);
		}
		this.auth.get("/auth/me", otherSession).exchange().expectStatus().isOk();
	}

	/** Tabs sharing the cookie get the grace-window successor: no rotation, so no budget taken. */
	@Test
	void refreshWhenTabsPresentTheConsumedTokenWithinGraceThenTheyDoNotCountAgainstTheLimit() {
		Tokens first = this.auth.newSession();
		Tokens tokens = this.auth.refreshed(first);
		for (int i = 0; i < 10; i++) {
			assertThat(this.auth.refreshed(first).refresh()).isEqualTo(tokens.refresh());
		}
		for (int i = 0; i < 5; i++) {
			tokens = this.auth.refreshed(tokens);
		}
		this.auth.refresh(tokens.refresh()).expectStatus().isEqualTo(429);
	}

	@Test
	void loginWhenSessionsStoredThenNoRawRefreshTokenInDatabase() {
		Tokens tokens = this.auth.newSession();
		Tokens rotated = this.auth.refreshed(tokens);
		List<byte[]> stored = this.db.sql("SELECT token_hash, successor_hash, successor_sealed FROM refresh_tokens")
			.map((row) -> Stream.of("token_hash", "successor_hash", "successor_sealed")
				.map((column) -> row.get(column, byte[].class))
				.filter(Objects::nonNull)
				.toList())
			.all()
			.flatMapIterable((values) -> values)
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(stored).hasSizeGreaterThanOrEqualTo(2);
		for (byte[] value : stored) {
			String text = new String(value, StandardCharsets.ISO_8859_1);
			assertThat(text).doesNotContain(tokens.refresh()).doesNotContain(rotated.refresh());
		}
	}

	double refreshes(String outcome) {
		return this.registry.get("portcullis.auth.refreshes").tag("outcome", outcome).counter().count();
	}

	long auditEvents(String type) {
		return this.db.sql("SELECT COUNT(*) AS n FROM audit_events WHERE type = :type")
			.bind("type", type)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

}
