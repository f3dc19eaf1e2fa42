package dev.portcullis.auth.proof;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions bound to a key: a login with a proof binds, every refresh of a bound session needs a
 * fresh proof by that key, and a refresh cookie presented without it ends the session. Runs on
 * PostgreSQL here and on the embedded default in a subclass.
 */
@AuthServiceTest
class SessionBindingTests {

	/** The public origin the gateway reports; the tests reach the service from loopback, a trusted proxy. */
	static final String ORIGIN = "https://app.example";

	static final String LOGIN = ORIGIN + "/auth/login";

	static final String REFRESH = ORIGIN + "/auth/refresh";

	@Autowired
	WebTestClient client;

	@Autowired
	MutableClock clock;

	@Autowired
	DatabaseClient db;

	@Autowired
	SessionBinding binding;

	@LocalServerPort
	int port;

	AuthClient auth;

	final ProofKey key = ProofKey.generate();

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
	}

	@Test
	void loginWhenProofThenSessionBoundToTheKeysThumbprint() {
		String email = registered();

		login(email, AuthClient.PASSWORD, proof(LOGIN)).expectStatus().isOk()
			.expectBody().jsonPath("$.sessionBound").isEqualTo(true);

		assertThat(row(email).get("proof_jkt")).isEqualTo(this.key.thumbprint());
	}

	@Test
	void loginWhenNoProofThenUnboundAndRefreshesWithoutOneAsBefore() {
		String email = registered();
		this.auth.login(email, AuthClient.PASSWORD).expectStatus().isOk()
			.expectBody().jsonPath("$.sessionBound").isEqualTo(false);
		AuthClient.Tokens tokens = this.auth.loggedIn(email, AuthClient.PASSWORD);

		AuthClient.Tokens refreshed = this.auth.refreshed(this.auth.refreshed(tokens));

		assertThat(refreshed.refresh()).isNotEqualTo(tokens.refresh());
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id "
				+ "WHERE u.email = :id AND s.proof_jkt IS NULL").bind("id", email).map((row) -> row.get("n", Long.class))
			.one().block(Duration.ofSeconds(10))).isEqualTo(2);
	}

	@Test
	void refreshWhenBoundAndFreshProofByItsKeyThenRotatesEveryTime() {
		Bound session = boundSession();

		String second = refreshed(session.refresh(), proof(REFRESH));
		String third = refreshed(second, proof(REFRESH));

		assertThat(third).isNotEqualTo(second).isNotEqualTo(session.refresh());
	}

	@Test
	void refreshWhenBoundAndNoProofThenInvalidProofAndTheSessionEndsAsStolen() {
		Bound session = boundSession();

		expectInvalidProof(refresh(session.refresh(), null));

		assertEndedAsStolen(session);
	}

	@Test
	void refreshWhenBoundAndProofByAnotherKeyThenInvalidProofAndTheSessionEndsAsStolen() {
		Bound session = boundSession();
		ProofKey thief = ProofKey.generate();

		expectInvalidProof(refresh(session.refresh(), thief.proof("POST", REFRESH, this.clock.instant())));

		assertEndedAsStolen(session);
	}

	@Test
	void refreshWhenProofReplayedThenInvalidProofAndTheSessionLives() {
		Bound session = boundSession();
		String proof = proof(REFRESH);
		String second = refreshed(session.refresh(), proof);

		expectInvalidProof(refresh(second, proof));

		assertThat(refreshed(second, proof(REFRESH))).isNotEqualTo(second);
	}

	@Test
	void refreshWhenIatStaleOrAheadThenInvalidProofAndTheSessionLives() {
		Bound session = boundSession();
		Instant now = this.clock.instant();

		expectInvalidProof(refresh(session.refresh(), this.key.proof("POST", REFRESH, now.minusSeconds(120))));
		expectInvalidProof(refresh(session.refresh(), this.key.proof("POST", REFRESH, now.plusSeconds(120))));

		assertThat(refreshed(session.refresh(), proof(REFRESH))).isNotEqualTo(session.refresh());
	}

	@Test
	void refreshWhenHtmOrHtuWrongThenInvalidProofAndTheSessionLives() {
		Bound session = boundSession();
		Instant now = this.clock.instant();

		expectInvalidProof(refresh(session.refresh(), this.key.proof("GET", REFRESH, now)));
		expectInvalidProof(refresh(session.refresh(), this.key.proof("POST", LOGIN, now)));
		expectInvalidProof(refresh(session.refresh(), this.key.proof("POST", "https://evil.example/auth/refresh", now)));
		expectInvalidProof(refresh(session.refresh(), this.key.proof("POST", "http://app.example/auth/refresh", now)));

		assertThat(refreshed(session.refresh(), proof(REFRESH))).isNotEqualTo(session.refresh());
	}

	@Test
	void refreshWhenTwoTabsRefreshTheSameTokenWithTheirOwnProofsThenBothGetTheSameSuccessor() {
		Bound session = boundSession();

		var successors = Flux.range(0, 2)
			.flatMap((i) -> Flux.defer(() -> Flux.just(refreshed(session.refresh(), proof(REFRESH))))
				.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()))
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(successors).hasSize(2);
		assertThat(successors.get(0)).isEqualTo(successors.get(1)).isNotEqualTo(session.refresh());
	}

	@Test
	void loginWhenProofDefectiveThenInvalidProofBeforeThePasswordIsChecked() {
		String email = registered();

		login(email, "wrong password entirely", this.key.proof("POST", LOGIN, this.clock.instant().minusSeconds(600)))
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_proof");
	}

	@Test
	void loginWhenProofReplayedThenInvalidProofAndNoSession() {
		String email = registered();
		String proof = proof(LOGIN);
		login(email, AuthClient.PASSWORD, proof).expectStatus().isOk();

		login(email, AuthClient.PASSWORD, proof)
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_proof");

		assertThat(sessionCount(email)).isEqualTo(1);
	}

	@Test
	void loginWhenNoForwardedOriginThenHtuIsTheServicesOwnUri() {
		String email = registered();
		String own = "http://localhost:" + this.port + "/auth/login";

		this.client.post().uri("/auth/login").header("DPoP", proof(own))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", AuthClient.PASSWORD))
			.exchange()
			.expectStatus().isOk();

		assertThat(row(email).get("proof_jkt")).isEqualTo(this.key.thumbprint());
	}

	@Test
	void purgeWhenProofsStaleThenTheirReplayRecordsGoInBatches() {
		Instant now = this.clock.instant();
		for (int i = 0; i < 5; i++) {
			this.db.sql("INSERT INTO proof_replays (proof_id, expires_at) VALUES (:id, :at)")
				.bind("id", ProofReplays.id(new Proof("purge-test", UUID.randomUUID().toString(), now)))
				.bind("at", dev.portcullis.auth.support.Times.db(now.minusSeconds(1)))
				.then()
				.block(Duration.ofSeconds(10));
		}

		Long purged = this.binding.purge(now, 2).block(Duration.ofSeconds(10));

		assertThat(purged).isGreaterThanOrEqualTo(5);
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM proof_replays WHERE expires_at < :now")
			.bind("now", dev.portcullis.auth.support.Times.db(now))
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10))).isZero();
	}

	// --- helpers

	String proof(String url) {
		return this.key.proof("POST", url, this.clock.instant());
	}

	String registered() {
		String email = AuthClient.uniqueEmail();
		this.auth.register(email, AuthClient.PASSWORD).expectStatus().isCreated();
		return email;
	}

	Bound boundSession() {
		String email = registered();
		EntityExchangeResult<byte[]> result = login(email, AuthClient.PASSWORD, proof(LOGIN)).expectStatus().isOk()
			.expectBody().returnResult();
		return new Bound(email, result.getResponseCookies().getFirst(AuthClient.ACCESS).getValue(),
				result.getResponseCookies().getFirst(AuthClient.REFRESH).getValue());
	}

	WebTestClient.ResponseSpec login(String email, String password, String proof) {
		return this.client.post()
			.uri("/auth/login")
			.headers((headers) -> forwarded(headers, proof))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange();
	}

	WebTestClient.ResponseSpec refresh(String refreshToken, String proof) {
		return this.client.post()
			.uri("/auth/refresh")
			.headers((headers) -> forwarded(headers, proof))
			.cookie(AuthClient.REFRESH, refreshToken)
			.exchange();
	}

	String refreshed(String refreshToken, String proof) {
		ResponseCookie next = refresh(refreshToken, proof).expectStatus().isOk()
			.expectBody().returnResult().getResponseCookies().getFirst(AuthClient.REFRESH);
		assertThat(next).as("refresh cookie").isNotNull();
		return next.getValue();
	}

	static void forwarded(org.springframework.http.HttpHeaders headers, String proof) {
		headers.set("X-Forwarded-Host", "app.example");
		headers.set("X-Forwarded-Proto", "https");
		headers.set("X-Forwarded-For", AuthClient.uniqueIp());
		if (proof != null) {
			headers.set("DPoP", proof);
		}
	}

	static void expectInvalidProof(WebTestClient.ResponseSpec response) {
		response.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_proof");
	}

	void assertEndedAsStolen(Bound session) {
		Map<String, Object> row = row(session.email());
		assertThat(row.get("revoke_reason")).isEqualTo("proof_key_mismatch");
		UUID sessionId = (UUID) row.get("id");
		assertThat(count("SELECT COUNT(*) AS n FROM audit_events WHERE type = 'session_key_mismatch' AND session_id = :id",
				sessionId)).isEqualTo(1);
		assertThat(count("SELECT COUNT(*) AS n FROM revocation_events WHERE kind = 'session' AND subject = :id",
				sessionId.toString())).isEqualTo(1);
		// the access cookie is refused now, and the refresh cookie even with a good proof
		this.client.get().uri("/auth/me").cookie(AuthClient.ACCESS, session.access()).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("session_revoked");
		refresh(session.refresh(), proof(REFRESH))
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

	Map<String, Object> row(String email) {
		return this.db.sql("SELECT s.id, s.proof_jkt, s.revoke_reason FROM sessions s JOIN users u ON u.id = s.user_id "
				+ "WHERE u.email = :email")
			.bind("email", email)
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
	}

	long sessionCount(String email) {
		return count("SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = :id", email);
	}

	long count(String sql, Object id) {
		return this.db.sql(sql).bind("id", id).map((row) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
	}

	record Bound(String email, String access, String refresh) {
	}

}
