package dev.portcullis.gateway.security;

import java.text.ParseException;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SigningKeysTests {

	@Test
	void parseWhenKeyIsForEncryptionThenLeftOut() throws ParseException {
		RSAKey enc = new RSAKey.Builder(TestKeys.rsa("enc")).keyUse(KeyUse.ENCRYPTION).build();
		assertThat(SigningKeys.parse(TestKeys.jwks(enc), Set.of(JWSAlgorithm.RS256)).find("enc")).isNull();
	}

	@Test
	void parseWhenKeyUnder2048BitsThenLeftOut() throws ParseException {
		RSAKey weak = TestKeys.rsa("weak", 1024);
		assertThat(SigningKeys.parse(TestKeys.jwks(weak), Set.of(JWSAlgorithm.RS256)).size()).isZero();
	}

	@Test
	void parseWhenKeyAlgorithmNotAllowedThenLeftOut() throws ParseException {
		RSAKey ps = new RSAKey.Builder(TestKeys.rsa("ps")).algorithm(JWSAlgorithm.PS256).build();
		assertThat(SigningKeys.parse(TestKeys.jwks(ps), Set.of(JWSAlgorithm.RS256)).find("ps")).isNull();
	}

	@Test
	void parseWhenKeyHasNoAlgorithmThenUsableWithAllowedAlgorithmsOfItsFamily() throws Exception {
		RSAKey bare = new RSAKey.Builder(TestKeys.rsa("bare").toRSAPublicKey()).keyID("bare").build();
		SigningKeys keys = SigningKeys.parse(TestKeys.jwks(bare), Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));
		assertThat(keys.find("bare").algorithms()).containsExactly(JWSAlgorithm.RS256);
	}

	@Test
	void parseWhenNotJwksThenParseException() {
		assertThatExceptionOfType(ParseException.class)
			.isThrownBy(() -> SigningKeys.parse("<html>", Set.of(JWSAlgorithm.RS256)));
	}

}
