package dev.portcullis.auth.token;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.auth.revocation.Revocations;
import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.auth.support.Times;
import dev.portcullis.contract.AuthCookies;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Signing keys when several replicas share one table, and withdrawal. */
@AuthServiceTest
class KeyReplicaTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String ADMIN = "Bearer " + AuthClient.ADMIN_SECRET;

	@Autowired
	KeyRing keyRing;

	@Autowired
	AccessTokenIssuer issuer;

	@Autowired
	AccessTokenVerifier verifier;

	@Autowired
	SigningKeyRepository repository;

	@Autowired
	TransactionalOperator transactions;

	@Autowired
	Randoms randoms;

	@Autowired
	Revocations revocations;

	@Autowired
	AuthProperties properties;

	@Autowired
	MutableClock clock;

	@Autowired
	DatabaseClient db;

	@Autowired
	WebTestClient client;

	@Autowired
	Environment environment;

	@Autowired
	Jwks jwks;

	/** Every key retired a moment ago is what an empty table looks like to {@code current()}. */
	@Test
	void currentWhenTwoReplicasFindNoSigningKeyAtOnceThenExactlyOneIsCreated() {
		Instant past = this.clock.instant().minusSeconds(1);
		this.db.sql("UPDATE signing_keys SET retired_at = :past WHERE retired_at IS NULL OR retired_at > :past")
			.bind("past", Times.db(past))
			.then()
			.block(TIMEOUT);
		KeyRing one = replica();
		KeyRing two = replica();

		List<String> signing = Flux.merge(signingKid(one), signingKid(two), signingKid(replica()))
			.collectList()
			.block(TIMEOUT);

		assertThat(signing).hasSize(3);
		assertThat(signing).as("every replica signs with the same new key").containsOnly(signing.get(0));
		assertThat(this.db.sql("SELECT COUNT(*) AS n FROM signing_keys WHERE retired_at IS NULL AND withdrawn_at IS NULL")
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(TIMEOUT)).isEqualTo(1);
		this.keyRing.invalidate();
	}

	@Test
	void rotateIfDueWhenTwoReplicasCheckAtOnceThenOneRotates() {
		long before = keyCount();
		this.clock.advance(Duration.ofDays(31));
		try {
			Flux.merge(replica().rotateIfDue(), replica().rotateIfDue(), this.keyRing.rotateIfDue())
				.as(StepVerifier::create)
				.verifyComplete();
			assertThat(keyCount()).isEqualTo(before + 1);
		}
		finally {
			// Let the rotated key take over, so later tests sign with a key that is not pending.
			this.clock.advance(this.properties.keys().publishAhead().plusSeconds(1));
			this.keyRing.invalidate();
		}
	}

	@Test
	void withdrawWhenSigningKeyThenUnpublishedKeyEventAndANewKeySignsAtOnce() throws Exception {
		String signedBefore = issue();
		String kid = kidOf(signedBefore);
		long lastEvent = lastEventId();
		WebTestClient management = management();

		management.post().uri("/actuator/signingkeys/" + kid).header(HttpHeaders.AUTHORIZATION, ADMIN)
			.exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.kid").isEqualTo(kid)
			.jsonPath("$.replacement").isNotEmpty();

		assertThat(publishedKids()).doesNotContain(kid);
		assertThat(this.db.sql("SELECT kind, subject FROM revocation_events WHERE id > :after ORDER BY id")
			.bind("after", lastEvent)
			.map((row) -> row.get("kind", String.class) + ":" + row.get("subject", String.class))
			.all()
			.collectList()
			.block(TIMEOUT)).containsExactly("key:" + kid);
		String token = issue();
		assertThat(kidOf(token)).isNotEqualTo(kid);
		assertThat(publishedKids()).contains(kidOf(token));
		assertThat(this.verifier.verify(token).block(TIMEOUT).roles()).containsExactly("user");
		// not token_invalid, which a client takes for a logout: its session is intact, a refresh cures it
		this.verifier.verify(signedBefore)
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(AuthException.class,
					(refused) -> assertThat(refused.code()).isEqualTo(ErrorCode.KEY_WITHDRAWN)))
			.verify(TIMEOUT);
		this.client.get().uri("/auth/me").cookie(AuthCookies.ACCESS, signedBefore).exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("key_withdrawn");
		management.get().uri("/actuator/signingkeys").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$[?(@.kid == '" + kid + "')].state").isEqualTo(List.of("withdrawn"))
			.jsonPath("$[?(@.kid == '" + kidOf(token) + "')].state").isEqualTo(List.of("signing"));

		// Withdrawn already: nothing more to do, nothing more recorded.
		management.post().uri("/actuator/signingkeys/" + kid).header(HttpHeaders.AUTHORIZATION, ADMIN)
			.exchange().expectStatus().isNotFound();
	}

	/** What a web page can make a browser send (a no-cors POST, no Authorization) is refused before any key work. */
	@Test
	void withdrawWhenNoAdminSecretThenRefusedAndTheKeyStillSigns() throws Exception {
		String kid = kidOf(issue());
		long keys = keyCount();
		long lastEvent = lastEventId();

		management().post().uri("/actuator/signingkeys/" + kid).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"admin\"")
			.expectBody().jsonPath("$.code").isEqualTo("admin_unauthorized");
		management().post().uri("/actuator/signingkeys/" + kid).contentType(MediaType.TEXT_PLAIN).bodyValue("")
			.exchange()
			.expectStatus().isUnauthorized();

		assertThat(keyCount()).isEqualTo(keys);
		assertThat(lastEventId()).isEqualTo(lastEvent);
		assertThat(publishedKids()).contains(kid);
		String token = issue();
		assertThat(kidOf(token)).isEqualTo(kid);
		assertThat(this.verifier.verify(token).block(TIMEOUT).roles()).containsExactly("user");
	}

	@Test
	void withdrawWhenWrongAdminSecretThenRefusedAndTheKeyStillPublished() throws Exception {
		String kid = kidOf(issue());

		for (String wrong : List.of("Bearer " + AuthClient.ADMIN_SECRET + "x", "Bearer " + AuthClient.FEED_SECRET,
				"Basic " + AuthClient.ADMIN_SECRET, AuthClient.ADMIN_SECRET)) {
			management().post().uri("/actuator/signingkeys/" + kid).header(HttpHeaders.AUTHORIZATION, wrong).exchange()
				.expectStatus().isUnauthorized()
				.expectBody().jsonPath("$.code").isEqualTo("admin_unauthorized");
		}

		assertThat(publishedKids()).contains(kid);
	}

	/** A form body is what an HTML form can send cross-site: refused even with the secret. */
	@Test
	void withdrawWhenFormBodyThenUnsupportedMediaTypeAndTheKeyStillPublished() throws Exception {
		String kid = kidOf(issue());

		management().post().uri("/actuator/signingkeys/" + kid).header(HttpHeaders.AUTHORIZATION, ADMIN)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("a=b")
			.exchange()
			.expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);

		assertThat(publishedKids()).contains(kid);
	}

	@Test
	void withdrawWhenUnknownKidThenNotFoundWithoutGeneratingAKey() {
		long keys = keyCount();
		management().post().uri("/actuator/signingkeys/no-such-kid").header(HttpHeaders.AUTHORIZATION, ADMIN)
			.exchange().expectStatus().isNotFound();
		assertThat(keyCount()).isEqualTo(keys);

		// the RSA key generator draws from Randoms.secureRandom(); nothing else in KeyRing does
		CountingRandoms randoms = new CountingRandoms();
		new KeyRing(this.repository, this.transactions, randoms, this.revocations, this.clock, this.properties)
			.withdraw("no-such-kid")
			.as(StepVerifier::create)
			.verifyComplete();
		assertThat(randoms.secureRandomCalls).as("RSA keys generated for an unknown kid").isZero();
	}

	@Test
	@SuppressWarnings("unchecked")
	void withdrawWhenDoneByAnotherReplicaThenThisReplicaStopsPublishingAndSigningWithItSoon() throws Exception {
		String kid = kidOf(issue());
		replica().withdraw(kid).as(StepVerifier::create).expectNextCount(1).verifyComplete();

		// Well before keys.refresh-interval (30s): the key event reaching the log re-reads the keys.
		Flux.interval(Duration.ZERO, Duration.ofMillis(50))
			.onBackpressureDrop()
			.concatMap((tick) -> this.jwks.publicKeys())
			.map((set) -> ((List<Map<String, Object>>) set.get("keys")).stream().map((key) -> key.get("kid")).toList())
			.filter((kids) -> !kids.contains(kid))
			.next()
			.timeout(Duration.ofSeconds(3))
			.as(StepVerifier::create)
			.expectNextCount(1)
			.verifyComplete();
		assertThat(kidOf(issue())).isNotEqualTo(kid);
	}

	private WebTestClient management() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.environment.getProperty("local.management.port"))
			.responseTimeout(TIMEOUT)
			.build();
	}

	private KeyRing replica() {
		return new KeyRing(this.repository, this.transactions, this.randoms, this.revocations, this.clock, this.properties);
	}

	private Mono<String> signingKid(KeyRing ring) {
		return ring.current().map((keys) -> keys.signingKey(this.clock.instant()).orElseThrow().kid());
	}

	private long keyCount() {
		return this.db.sql("SELECT COUNT(*) AS n FROM signing_keys").map((row) -> row.get("n", Long.class)).one().block(TIMEOUT);
	}

	private long lastEventId() {
		return this.db.sql("SELECT last_id FROM serial_locks WHERE name = 'revocation_events'")
			.map((row) -> row.get("last_id", Long.class))
			.one()
			.block(TIMEOUT);
	}

	private String issue() {
		return this.issuer.issue(UUID.randomUUID(), UUID.randomUUID(), List.of("user"), this.clock.instant().plus(Duration.ofDays(1)))
			.block(TIMEOUT)
			.value();
	}

	@SuppressWarnings("unchecked")
	private List<String> publishedKids() {
		Map<String, Object> jwks = this.client.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
			.expectBody(Map.class).returnResult().getResponseBody();
		return ((List<Map<String, Object>>) jwks.get("keys")).stream().map((key) -> (String) key.get("kid")).toList();
	}

	private static String kidOf(String token) throws ParseException {
		return SignedJWT.parse(token).getHeader().getKeyID();
	}

	/** Real randomness, counting who asks for the SecureRandom an RSA key is generated from. */
	private static final class CountingRandoms extends Randoms {

		int secureRandomCalls;

		@Override
		public SecureRandom secureRandom() {
			this.secureRandomCalls++;
			return super.secureRandom();
		}

	}

}
