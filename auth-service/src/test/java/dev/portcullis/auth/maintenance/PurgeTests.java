package dev.portcullis.auth.maintenance;

import java.time.Duration;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class PurgeTests {

	@Autowired
	Purge purge;

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	@Autowired
	MutableClock clock;

	@Test
	void runWhenSessionsLongOverThenDeletesThemWithTheirTokensAndClearsSealedSuccessors() {
		AuthClient auth = new AuthClient(this.client);
		Tokens ended = auth.newSession();
		auth.refreshed(ended);
		auth.post("/auth/logout-all", ended).exchange().expectStatus().isNoContent();

		this.clock.advance(Duration.ofMinutes(1));
		this.purge.run().block(Duration.ofSeconds(30));
		assertThat(count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE successor_sealed IS NOT NULL AND consumed_at < :t",
				this.clock.instant().minusSeconds(10))).isZero();

		this.clock.advance(Duration.ofDays(91));
		long deleted = this.purge.run().block(Duration.ofSeconds(30));
		assertThat(deleted).isPositive();
		assertThat(count("SELECT COUNT(*) AS n FROM sessions WHERE revoked_at < :t", this.clock.instant().minus(Duration.ofDays(90))))
			.isZero();
		assertThat(count("SELECT COUNT(*) AS n FROM refresh_tokens rt LEFT JOIN sessions s ON s.id = rt.session_id "
				+ "WHERE s.id IS NULL AND rt.created_at < :t", this.clock.instant())).isZero();
		assertThat(count("SELECT COUNT(*) AS n FROM audit_events WHERE occurred_at < :t",
				this.clock.instant().minus(Duration.ofDays(90)))).isZero();
	}

	@Test
	void runWhenLoginCountersStaleThenForgetsThemAndKeepsRecentOnes() {
		AuthClient auth = new AuthClient(this.client);
		String stale = AuthClient.uniqueEmail();
		String recent = AuthClient.uniqueEmail();
		auth.login(stale, "not the password at all").expectStatus().isUnauthorized();
		// past the longest block (15m) and the day after which a run of failures is forgotten
		this.clock.advance(Duration.ofDays(1).plus(Duration.ofMinutes(16)));
		auth.login(recent, "not the password at all").expectStatus().isUnauthorized();

		this.purge.run().as(StepVerifier::create).expectNextMatches((rows) -> rows >= 1).verifyComplete();

		assertThat(loginAttempts(stale)).isZero();
		assertThat(loginAttempts(recent)).isOne();
	}

	private long loginAttempts(String email) {
		return this.db.sql("SELECT COUNT(*) AS n FROM attempt_budgets WHERE bucket = :bucket").bind("bucket", "account:" + email)
			.map((row) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
	}

	private long count(String sql, java.time.Instant at) {
		return this.db.sql(sql).bind("t", dev.portcullis.auth.support.Times.db(at))
			.map((row) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
	}

}
