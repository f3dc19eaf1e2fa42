package dev.portcullis.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.auth.crypto.ServerSecrets;
import dev.portcullis.auth.revocation.Revocations;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.auth.support.Times;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The public half of a stored signing key is bound to its sealed private half: someone who can
 * write {@code signing_keys} cannot make the service publish a public key of their choosing.
 * Each test adds one key row and removes it again, so the other tests' key ring is untouched.
 */
@AuthServiceTest
@ExtendWith(OutputCaptureExtension.class)
class SealedKeyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	KeyRing keyRing;

	@Autowired
	SigningKeyRepository repository;

	@Autowired
	ServerSecrets secrets;

	@Autowired
	DatabaseClient db;

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

	private String added;

	@AfterEach
	void removeAddedKey() {
		if (this.added != null) {
			this.db.sql("DELETE FROM signing_keys WHERE kid = :kid").bind("kid", this.added).then().block(TIMEOUT);
		}
		this.keyRing.invalidate();
	}

	@Test
	void loadWhenPublicJwkSwappedThenKeyRefusedLoudlyAndNothingSignedOrPublished(CapturedOutput output) throws Exception {
		RSAKey key = rsa(newKid());
		this.repository.insert(new SigningKey(key.getKeyID(), key, now(), now(), null)).block(TIMEOUT);
		this.added = key.getKeyID();
		RSAKey attackers = rsa(key.getKeyID());
		setPublicJwk(key.getKeyID(), attackers.toPublicJWK().toJSONString());

		assertThatThrownBy(() -> replica().current().block(TIMEOUT)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Signing key " + key.getKeyID() + " refused");
		this.keyRing.invalidate();
		String jwks = this.client.get().uri("/.well-known/jwks.json").exchange().expectStatus().is5xxServerError()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(jwks).doesNotContain(attackers.getModulus().toString());
		assertThat(output).contains("Signing key " + key.getKeyID() + " refused");
	}

	@Test
	void loadWhenKeySealedWithoutItsPublicHalfThenStillSignsAndIsResealedOnce() throws Exception {
		RSAKey key = rsa(newKid());
		insertLegacy(key, key.toPublicJWK().toJSONString());

		KeySet keys = replica().current().block(TIMEOUT);
		SigningKey loaded = keys.keys().stream().filter((k) -> k.kid().equals(key.getKeyID())).findFirst().orElseThrow();
		assertThat(verifies(loaded.jwk(), key)).as("the re-read key signs as the stored one").isTrue();
		assertThat(sealVersion(key.getKeyID())).isEqualTo(SigningKeyRepository.SEAL_BOUND);
		assertThat(this.repository.resealLegacy().block(TIMEOUT)).as("nothing left to re-seal").isZero();

		setPublicJwk(key.getKeyID(), rsa(key.getKeyID()).toPublicJWK().toJSONString());
		assertThatThrownBy(() -> replica().current().block(TIMEOUT)).as("once re-sealed, its public half is bound")
			.isInstanceOf(KeyRefusedException.class);
	}

	@Test
	void resealWhenLegacyKeyPublicJwkSwappedThenRefusedAndLeftAsItWas() throws Exception {
		RSAKey key = rsa(newKid());
		insertLegacy(key, rsa(key.getKeyID()).toPublicJWK().toJSONString());

		assertThatThrownBy(() -> this.repository.resealLegacy().block(TIMEOUT)).isInstanceOf(KeyRefusedException.class)
			.hasMessageContaining(key.getKeyID())
			.hasMessageContaining("not the public half");
		assertThat(sealVersion(key.getKeyID())).isEqualTo(SigningKeyRepository.SEAL_LEGACY);
		assertThatThrownBy(() -> replica().current().block(TIMEOUT)).isInstanceOf(KeyRefusedException.class);
	}

	private KeyRing replica() {
		return new KeyRing(this.repository, this.transactions, this.randoms, this.revocations, this.clock, this.properties);
	}

	/** A row as stored before the public JWK was bound: sealed with the kid alone. */
	private void insertLegacy(RSAKey key, String publicJwk) throws Exception {
		byte[] sealed = this.secrets.seal(key.toPrivateKey().getEncoded(),
				("signing-key:" + key.getKeyID()).getBytes(StandardCharsets.UTF_8));
		this.db
			.sql("INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key_sealed, seal_version, created_at, active_from) "
					+ "VALUES (:kid, 'RS256', :jwk, :sealed, 1, :at, :at)")
			.bind("kid", key.getKeyID())
			.bind("jwk", publicJwk)
			.bind("sealed", sealed)
			.bind("at", Times.db(now()))
			.then()
			.block(TIMEOUT);
		this.added = key.getKeyID();
	}

	private void setPublicJwk(String kid, String publicJwk) {
		this.db.sql("UPDATE signing_keys SET public_jwk = :jwk WHERE kid = :kid")
			.bind("jwk", publicJwk)
			.bind("kid", kid)
			.then()
			.block(TIMEOUT);
	}

	private int sealVersion(String kid) {
		return this.db.sql("SELECT seal_version FROM signing_keys WHERE kid = :kid")
			.bind("kid", kid)
			.map((row) -> row.get("seal_version", Number.class).intValue())
			.one()
			.block(TIMEOUT);
	}

	private Instant now() {
		return this.clock.instant();
	}

	private String newKid() {
		return "sealed-" + this.randoms.token(8);
	}

	private static boolean verifies(RSAKey signer, RSAKey publicKey) throws Exception {
		JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload(Map.of("sub", "x")));
		jws.sign(new RSASSASigner(signer));
		return jws.verify(new RSASSAVerifier(publicKey.toRSAPublicKey()));
	}

	private static RSAKey rsa(String kid) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		var pair = generator.generateKeyPair();
		return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
			.keyID(kid)
			.keyUse(KeyUse.SIGNATURE)
			.algorithm(JWSAlgorithm.RS256)
			.build();
	}

}
