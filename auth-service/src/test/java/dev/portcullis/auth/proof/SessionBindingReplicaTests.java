package dev.portcullis.auth.proof;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.auth.AuthServiceApplication;
import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two auth-service replicas on one PostgreSQL database, as deployed: a proof one replica accepted
 * is refused by the other, a proof sent to both at once is accepted by exactly one, and a session
 * ended as stolen on one is over on the other. Replica B runs with
 * {@code session-binding=required}, so the same pair shows that setting too.
 */
class SessionBindingReplicaTests {

	private static final String MASTER_SECRET = "test-master-secret-of-at-least-32-characters";

	private static final String LOGIN = SessionBindingTests.LOGIN;

	private static final String REFRESH = SessionBindingTests.REFRESH;

	private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

	private static WebTestClient a;

	private static WebTestClient b;

	private final ProofKey key = ProofKey.generate();

	@BeforeAll
	static void startReplicas() {
		a = start("optional");
		b = start("required");
	}

	@AfterAll
	static void stopReplicas() {
		replicas.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void loginProofAcceptedByOneReplicaThenRefusedByTheOther() {
		String email = registered();
		String proof = proof(LOGIN);
		login(a, email, proof).expectStatus().isOk();

		login(b, email, proof).expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_proof");
	}

	@Test
	void refreshProofAcceptedByOneReplicaThenRefusedByTheOtherAndTheSessionLives() {
		String first = boundSession(a);
		String proof = proof(REFRESH);
		String second = refreshed(a, first, proof);

		refresh(b, second, proof).expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_proof");

		assertThat(refreshed(b, second, proof(REFRESH))).isNotEqualTo(second);
	}

	@Test
	void refreshProofSentToBothReplicasAtOnceThenExactlyOneAccepts() {
		String token = boundSession(a);
		String proof = proof(REFRESH);

		List<HttpStatusCode> statuses = Flux.just(a, b)
			.flatMap((replica) -> Flux.defer(() -> Flux.just(refresh(replica, token, proof).returnResult(String.class)
				.getStatus())).subscribeOn(Schedulers.boundedElastic()))
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(statuses).extracting(HttpStatusCode::value).containsExactlyInAnyOrder(200, 401);
	}

	@Test
	void sessionEndedAsStolenOnOneReplicaThenOverOnTheOther() {
		EntityExchangeResult<byte[]> login = login(a, registered(), proof(LOGIN)).expectStatus().isOk().expectBody()
			.returnResult();
		String access = login.getResponseCookies().getFirst(AuthClient.ACCESS).getValue();
		String refresh = login.getResponseCookies().getFirst(AuthClient.REFRESH).getValue();

		refresh(b, refresh, null).expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_proof");

		a.get().uri("/auth/me").cookie(AuthClient.ACCESS, access).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("session_revoked");
		refresh(a, refresh, proof(REFRESH)).expectStatus().isUnauthorized().expectBody().jsonPath("$.code")
			.isEqualTo("invalid_refresh");
	}

	@Test
	void requiredWhenLoginWithoutProofThenProofRequired() {
		login(b, registered(), null).expectStatus().isUnauthorized().expectBody().jsonPath("$.code")
			.isEqualTo("proof_required");
	}

	@Test
	void requiredWhenUnboundSessionRefreshesThenInvalidProofWhereOptionalRotates() {
		EntityExchangeResult<byte[]> login = login(a, registered(), null).expectStatus().isOk().expectBody().returnResult();
		String refresh = login.getResponseCookies().getFirst(AuthClient.REFRESH).getValue();

		refresh(b, refresh, proof(REFRESH)).expectStatus().isUnauthorized().expectBody().jsonPath("$.code")
			.isEqualTo("invalid_proof");

		assertThat(refreshed(a, refresh, null)).isNotEqualTo(refresh);
	}

	// --- helpers

	private static WebTestClient start(String binding) {
		TestDatabase db = TestDatabase.get();
		ConfigurableApplicationContext context = SpringApplication.run(AuthServiceApplication.class,
				"--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.r2dbc.username=" + db.username(),
				"--spring.r2dbc.password=" + db.password(), "--spring.flyway.url=" + db.jdbcUrl(), "--server.port=0",
				"--management.server.port=0", "--portcullis.auth.master-secret=" + MASTER_SECRET,
				"--portcullis.feed-secret=" + AuthClient.FEED_SECRET, "--portcullis.auth.scheduling.enabled=false",
				"--portcullis.auth.session-binding=" + binding);
		replicas.add(context);
		String port = context.getEnvironment().getProperty("local.server.port");
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
	}

	private String proof(String url) {
		return this.key.proof("POST", url, Instant.now());
	}

	private static String registered() {
		String email = AuthClient.uniqueEmail();
		new AuthClient(a).register(email, AuthClient.PASSWORD).expectStatus().isCreated();
		return email;
	}

	private String boundSession(WebTestClient replica) {
		return login(replica, registered(), proof(LOGIN)).expectStatus().isOk().expectBody().returnResult()
			.getResponseCookies().getFirst(AuthClient.REFRESH).getValue();
	}

	private static WebTestClient.ResponseSpec login(WebTestClient replica, String email, String proof) {
		return replica.post()
			.uri("/auth/login")
			.headers((headers) -> SessionBindingTests.forwarded(headers, proof))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", AuthClient.PASSWORD))
			.exchange();
	}

	private static WebTestClient.ResponseSpec refresh(WebTestClient replica, String token, String proof) {
		return replica.post()
			.uri("/auth/refresh")
			.headers((headers) -> SessionBindingTests.forwarded(headers, proof))
			.cookie(AuthClient.REFRESH, token)
			.exchange();
	}

	private static String refreshed(WebTestClient replica, String token, String proof) {
		return refresh(replica, token, proof).expectStatus().isOk().expectBody().returnResult().getResponseCookies()
			.getFirst(AuthClient.REFRESH).getValue();
	}

}
