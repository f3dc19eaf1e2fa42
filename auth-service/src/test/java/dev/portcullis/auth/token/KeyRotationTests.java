package dev.portcullis.auth.token;

import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.auth.revocation.Revocations;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class KeyRotationTests {

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
	WebTestClient client;

	@Test
	void rotateWhenCalledThenNewKeyPublishedBeforeItSignsAndOldKeyPublishedUntilItsTokensExpire() throws Exception {
		String oldKid = kidOf(issue());
		String newKid = this.keyRing.rotate().block(Duration.ofSeconds(30));

		assertThat(publishedKids()).contains(oldKid, newKid);
		assertThat(kidOf(issue())).as("the new key must not sign before publish-ahead has passed").isEqualTo(oldKid);

		this.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
		String tokenByNewKey = issue();
		assertThat(kidOf(tokenByNewKey)).isEqualTo(newKid);
		assertThat(publishedKids()).as("tokens of the old key are still live").contains(oldKid, newKid);

		this.clock.advance(Duration.ofMinutes(16).plusSeconds(1));
		assertThat(publishedKids()).doesNotContain(oldKid).contains(newKid);
		assertThat(this.verifier.verify(issue()).block(Duration.ofSeconds(5)).roles()).containsExactly("user");
	}

	@Test
	void currentWhenReadByAnotherInstanceThenSignsWithTheSameKey() throws Exception {
		KeyRing replica = new KeyRing(this.repository, this.transactions, this.randoms, this.revocations, this.clock, this.properties);
		String kid = replica.current().map((keys) -> keys.signingKey(this.clock.instant()).orElseThrow().kid())
			.block(Duration.ofSeconds(30));
		assertThat(kid).isEqualTo(kidOf(issue()));
	}

	@Test
	void jwksWhenFetchedThenCacheablePublicRsaKeysOnly() {
		this.client.get().uri("/.well-known/jwks.json").exchange()
			.expectStatus().isOk()
			.expectHeader().cacheControl(org.springframework.http.CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
			.expectBody()
			.jsonPath("$.keys[0].kty").isEqualTo("RSA")
			.jsonPath("$.keys[0].alg").isEqualTo("RS256")
			.jsonPath("$.keys[0].use").isEqualTo("sig")
			.jsonPath("$.keys[0].kid").isNotEmpty()
			.jsonPath("$.keys[*].d").doesNotExist()
			.jsonPath("$.keys[*].p").doesNotExist();
	}

	private String issue() {
		return this.issuer.issue(UUID.randomUUID(), UUID.randomUUID(), List.of("user"), this.clock.instant().plus(Duration.ofDays(1)))
			.block(Duration.ofSeconds(30))
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

}
