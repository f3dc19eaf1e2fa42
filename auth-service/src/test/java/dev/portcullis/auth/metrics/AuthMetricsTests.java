package dev.portcullis.auth.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.portcullis.auth.support.AuthClient.PASSWORD;
import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's meters move with what clients are told, read from the registry and from the
 * Prometheus scrape on the management port. Counters are shared by the whole context, so each
 * test compares before and after.
 */
@AuthServiceTest
class AuthMetricsTests {

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry registry;

	@Autowired
	MutableClock clock;

	@Autowired
	Environment environment;

	AuthClient auth;

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
	}

	@Test
	void loginWhenRightThenWrongPasswordThenOkAndInvalidCredentialsCounted() {
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		double ok = count("portcullis.auth.logins", "outcome", "ok");
		double invalid = count("portcullis.auth.logins", "outcome", "invalid_credentials");
		double started = this.registry.get("portcullis.auth.sessions.started").counter().count();
		double unauthorized = count("portcullis.auth.errors", "code", "invalid_credentials");

		this.auth.login(email, PASSWORD).expectStatus().isOk();
		this.auth.login(email, "not the password at all").expectStatus().isUnauthorized();

		assertThat(count("portcullis.auth.logins", "outcome", "ok")).isEqualTo(ok + 1);
		assertThat(count("portcullis.auth.logins", "outcome", "invalid_credentials")).isEqualTo(invalid + 1);
		assertThat(this.registry.get("portcullis.auth.sessions.started").counter().count()).isEqualTo(started + 1);
		assertThat(count("portcullis.auth.errors", "code", "invalid_credentials")).isEqualTo(unauthorized + 1);
	}

	@Test
	void registerWhenNewTakenOrWeakThenEachOutcomeCounted() {
		String email = uniqueEmail();
		double ok = count("portcullis.auth.registrations", "outcome", "ok");
		double taken = count("portcullis.auth.registrations", "outcome", "email_taken");
		double weak = count("portcullis.auth.registrations", "outcome", "weak_password");

		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		this.auth.register(email, PASSWORD).expectStatus().isEqualTo(409);
		this.auth.register(uniqueEmail(), "short").expectStatus().isBadRequest();

		assertThat(count("portcullis.auth.registrations", "outcome", "ok")).isEqualTo(ok + 1);
		assertThat(count("portcullis.auth.registrations", "outcome", "email_taken")).isEqualTo(taken + 1);
		assertThat(count("portcullis.auth.registrations", "outcome", "weak_password")).isEqualTo(weak + 1);
	}

	@Test
	void refreshWhenRotatedThenReplayedWithinGraceThenRotatedAndGraceSuccessorCounted() {
		Tokens first = this.auth.newSession();
		double rotated = count("portcullis.auth.refreshes", "outcome", "rotated");
		double grace = count("portcullis.auth.refreshes", "outcome", "grace_successor");

		this.auth.refreshed(first);
		this.clock.advance(Duration.ofSeconds(5));
		this.auth.refreshed(first);

		assertThat(count("portcullis.auth.refreshes", "outcome", "rotated")).isEqualTo(rotated + 1);
		assertThat(count("portcullis.auth.refreshes", "outcome", "grace_successor")).isEqualTo(grace + 1);
	}

	@Test
	void refreshWhenReplayedAfterGraceThenReuseDetectedAndTheSuccessorCountsAsExpired() {
		Tokens first = this.auth.newSession();
		Tokens second = this.auth.refreshed(first);
		double reused = count("portcullis.auth.refreshes", "outcome", "reuse_detected");
		double expired = count("portcullis.auth.refreshes", "outcome", "expired");
		double invalid = count("portcullis.auth.refreshes", "outcome", "invalid");

		this.clock.advance(Duration.ofSeconds(11));
		this.auth.refresh(first.refresh()).expectStatus().isUnauthorized();
		this.auth.refresh(second.refresh()).expectStatus().isUnauthorized();
		this.auth.refresh("never-issued").expectStatus().isUnauthorized();

		assertThat(count("portcullis.auth.refreshes", "outcome", "reuse_detected")).isEqualTo(reused + 1);
		assertThat(count("portcullis.auth.refreshes", "outcome", "expired")).isEqualTo(expired + 1);
		assertThat(count("portcullis.auth.refreshes", "outcome", "invalid")).isEqualTo(invalid + 1);
	}

	@Test
	void logoutWhenOneSessionThenAllThenEachScopeCounted() {
		Tokens tokens = this.auth.newSession();
		Tokens other = this.auth.loggedIn(tokens.email(), PASSWORD);
		double session = count("portcullis.auth.logouts", "scope", "session");
		double all = count("portcullis.auth.logouts", "scope", "all");

		this.auth.post("/auth/logout", tokens).cookie(AuthClient.REFRESH, tokens.refresh()).exchange()
			.expectStatus().isNoContent();
		this.auth.post("/auth/logout-all", other).exchange().expectStatus().isNoContent();

		assertThat(count("portcullis.auth.logouts", "scope", "session")).isEqualTo(session + 1);
		assertThat(count("portcullis.auth.logouts", "scope", "all")).isEqualTo(all + 1);
	}

	@Test
	void loginWhenPasswordCheckedThenHashingAndSigningTimersRecord() {
		String email = uniqueEmail();
		long hashes = this.registry.get("portcullis.auth.hashing.duration").tag("operation", "hash").timer().count();
		long verifications = this.registry.get("portcullis.auth.hashing.duration").tag("operation", "verify").timer().count();
		long waits = this.registry.get("portcullis.auth.hashing.wait").timer().count();
		long signatures = this.registry.get("portcullis.auth.signing").timer().count();

		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		this.auth.login(email, PASSWORD).expectStatus().isOk();

		assertThat(this.registry.get("portcullis.auth.hashing.duration").tag("operation", "hash").timer().count())
			.isEqualTo(hashes + 1);
		assertThat(this.registry.get("portcullis.auth.hashing.duration").tag("operation", "verify").timer().count())
			.isEqualTo(verifications + 1);
		assertThat(this.registry.get("portcullis.auth.hashing.wait").timer().count()).isEqualTo(waits + 2);
		assertThat(this.registry.get("portcullis.auth.signing").timer().count()).isEqualTo(signatures + 1);
		assertThat(this.registry.get("portcullis.auth.signing").timer().totalTime(TimeUnit.NANOSECONDS))
			.isPositive();
		assertThat(this.registry.get("portcullis.auth.hashing.queued").gauge().value()).isZero();
	}

	@Test
	void prometheusWhenScrapedOnManagementPortThenMetersListedAndNeverOnTheMainPort() {
		this.auth.newSession();
		String scrape = management().get().uri("/actuator/prometheus").exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();

		assertThat(scrape).contains("portcullis_auth_hashing_queued ", "portcullis_auth_hashing_wait_seconds_bucket",
				"portcullis_auth_signing_seconds_count", "portcullis_auth_refreshes_total{outcome=\"reuse_detected\"}",
				"portcullis_auth_errors_total{code=\"unavailable\"}", "portcullis_auth_logouts_total{scope=\"all\"}",
				"portcullis_auth_sessions_started_total");
		assertThat(scraped(scrape, "portcullis_auth_logins_total{outcome=\"ok\"}"))
			.isEqualTo(count("portcullis.auth.logins", "outcome", "ok"))
			.isPositive();
		// tags come from fixed sets: no email, user or session id ever reaches a scrape
		assertThat(scrape.lines().filter((line) -> line.startsWith("portcullis_"))).noneMatch((line) -> line.contains("@"))
			.noneMatch((line) -> line.matches(".*[0-9a-f]{8}-[0-9a-f]{4}-.*"));

		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
	}

	private double count(String name, String tag, String value) {
		return this.registry.get(name).tag(tag, value).counter().count();
	}

	private WebTestClient management() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.environment.getProperty("local.management.port"))
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	private static double scraped(String scrape, String series) {
		Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
		assertThat(matcher.find()).as("%s in the scrape", series).isTrue();
		return Double.parseDouble(matcher.group(1));
	}

}
