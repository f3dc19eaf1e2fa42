package dev.portcullis.auth.proof;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every defect RFC 9449, section 4.3, names, refused without a server; a good proof accepted. */
class ProofVerifierTests {

	private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

	private static final String URL = "https://app.example/auth/refresh";

	private static final URI TARGET = URI.create(URL);

	private final ProofVerifier verifier = new ProofVerifier(Duration.ofSeconds(60));

	private final ProofKey key = ProofKey.generate();

	@Test
	void verifyWhenGoodProofThenItsKeysThumbprintAndJti() {
		Proof proof = this.verifier.verify(request(this.key.proof("POST", URL, NOW)), NOW);

		assertThat(proof.thumbprint()).isEqualTo(this.key.thumbprint()).hasSize(43);
		assertThat(proof.jti()).isNotBlank();
		assertThat(proof.issuedAt()).isEqualTo(NOW);
	}

	@Test
	void verifyWhenNoProofThenInvalidProof() {
		assertInvalid(new ProofRequest(List.of(), "POST", TARGET), "No DPoP proof");
	}

	@Test
	void verifyWhenTwoDpopHeadersThenInvalidProof() {
		String proof = this.key.proof("POST", URL, NOW);
		assertInvalid(new ProofRequest(List.of(proof, proof), "POST", TARGET), "More than one");
	}

	@Test
	void verifyWhenNotAJwtThenInvalidProof() {
		assertInvalid(request("not-a-jwt"), "not a signed JWT");
	}

	@Test
	void verifyWhenUnsignedJwtThenInvalidProof() {
		String header = b64("{\"alg\":\"none\",\"typ\":\"dpop+jwt\"}");
		String claims = b64("{\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":" + NOW.getEpochSecond() + ",\"jti\":\"x\"}");
		assertInvalid(request(header + "." + claims + "."), "not a signed JWT");
	}

	@Test
	void verifyWhenTooLongThenInvalidProof() {
		assertInvalid(request("a".repeat(ProofVerifier.MAX_PROOF_LENGTH + 1)), "too long");
	}

	@Test
	void verifyWhenTypIsNotDpopJwtThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> h.type(JOSEObjectType.JWT), (c) -> {
		})), "typ");
	}

	@Test
	void verifyWhenNoJwkThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> h.jwk(null), (c) -> {
		})), "P-256 public key");
	}

	@Test
	void verifyWhenJwkIsAnotherCurveThenInvalidProof() throws Exception {
		var p384 = new ECKeyGenerator(Curve.P_384).generate().toPublicJWK();
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> h.jwk(p384), (c) -> {
		})), "P-256 public key");
	}

	@Test
	void verifyWhenJwkIsRsaThenInvalidProof() throws Exception {
		var rsa = new RSAKeyGenerator(2048).generate().toPublicJWK();
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> h.jwk(rsa), (c) -> {
		})), "P-256 public key");
	}

	@Test
	void verifyWhenJwkHoldsThePrivateKeyThenInvalidProof() throws Exception {
		// written by hand: nimbus will not even build such a header
		String header = b64("{\"alg\":\"ES256\",\"typ\":\"dpop+jwt\",\"jwk\":" + this.key.privateJwk().toJSONString() + "}");
		String claims = b64("{\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":" + NOW.getEpochSecond() + ",\"jti\":\"x\"}");
		String signature = new ECDSASigner(this.key.privateJwk())
			.sign(new JWSHeader(JWSAlgorithm.ES256), (header + "." + claims).getBytes(StandardCharsets.US_ASCII))
			.toString();
		assertThatThrownBy(() -> this.verifier.verify(request(header + "." + claims + "." + signature), NOW))
			.isInstanceOfSatisfying(AuthException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_PROOF));
	}

	@Test
	void verifyWhenSignedByAnotherKeyThanItsJwkThenInvalidProof() {
		ProofKey other = ProofKey.generate();
		assertInvalid(request(other.proof("POST", URL, NOW, (h) -> h.jwk(this.key.privateJwk().toPublicJWK()), (c) -> {
		})), "signature");
	}

	@Test
	void verifyWhenClaimsChangedAfterSigningThenInvalidProof() {
		String[] parts = this.key.proof("POST", URL, NOW).split("\\.");
		String forged = b64("{\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":" + NOW.getEpochSecond() + ",\"jti\":\"forged\"}");
		assertInvalid(request(parts[0] + "." + forged + "." + parts[2]), "signature");
	}

	@Test
	void verifyWhenHtmIsAnotherMethodThenInvalidProof() {
		assertInvalid(request(this.key.proof("GET", URL, NOW)), "htm");
	}

	@Test
	void verifyWhenHtmMissingThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> {
		}, (c) -> c.claim("htm", null))), "no htm");
	}

	@ParameterizedTest
	@CsvSource({ "https://evil.example/auth/refresh", "http://app.example/auth/refresh",
			"https://app.example:8443/auth/refresh", "https://app.example/auth/login", "https://app.example/auth/refresh/",
			"/auth/refresh", "https://user@app.example/auth/refresh", "not a uri" })
	void verifyWhenHtuNamesAnotherResourceThenInvalidProof(String htu) {
		assertInvalid(request(this.key.proof("POST", htu, NOW)), "htu");
	}

	@ParameterizedTest
	@CsvSource({ "https://APP.example/auth/refresh", "HTTPS://app.example/auth/refresh",
			"https://app.example:443/auth/refresh", "https://app.example/auth/refresh?x=1",
			"https://app.example/auth/refresh#top" })
	void verifyWhenHtuDiffersOnlyAsRfc3986NormalisesThenAccepted(String htu) {
		assertThat(this.verifier.verify(request(this.key.proof("POST", htu, NOW)), NOW).thumbprint())
			.isEqualTo(this.key.thumbprint());
	}

	@Test
	void verifyWhenTargetUnknownThenInvalidProof() {
		assertInvalid(new ProofRequest(List.of(this.key.proof("POST", URL, NOW)), "POST", null), "htu");
	}

	@Test
	void verifyWhenIatOlderThanTheWindowThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW.minusSeconds(61))), "iat");
	}

	@Test
	void verifyWhenIatFurtherAheadThanTheWindowThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW.plusSeconds(61))), "iat");
	}

	@Test
	void verifyWhenIatWithinTheWindowEitherWayThenAccepted() {
		assertThat(this.verifier.verify(request(this.key.proof("POST", URL, NOW.minusSeconds(60))), NOW)).isNotNull();
		assertThat(this.verifier.verify(request(this.key.proof("POST", URL, NOW.plusSeconds(60))), NOW)).isNotNull();
	}

	@Test
	void verifyWhenNoIatThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> {
		}, (c) -> c.issueTime(null))), "no iat");
	}

	@Test
	void verifyWhenNoJtiThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> {
		}, (c) -> c.jwtID(null))), "jti");
	}

	@Test
	void verifyWhenJtiTooLongThenInvalidProof() {
		assertInvalid(request(this.key.proof("POST", URL, NOW, (h) -> {
		}, (c) -> c.jwtID("j".repeat(ProofVerifier.MAX_JTI_LENGTH + 1)))), "jti");
	}

	@Test
	void replayIdWhenSameKeyAndJtiThenSameFixedSizeIdElseAnother() {
		Proof proof = new Proof("thumb", "jti-1", NOW);
		assertThat(ProofReplays.id(proof)).hasSize(32).isEqualTo(ProofReplays.id(new Proof("thumb", "jti-1", NOW)));
		assertThat(ProofReplays.id(proof)).isNotEqualTo(ProofReplays.id(new Proof("other", "jti-1", NOW)));
	}

	private void assertInvalid(ProofRequest request, String detail) {
		assertThatThrownBy(() -> this.verifier.verify(request, NOW)).isInstanceOfSatisfying(AuthException.class, (ex) -> {
			assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_PROOF);
			assertThat(ex.getMessage()).contains(detail);
		});
	}

	private static ProofRequest request(String proof) {
		return new ProofRequest(List.of(proof), "POST", TARGET);
	}

	private static String b64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
