package dev.portcullis.auth.token;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signing provider: on this platform AWS-LC signs, with a key translated once, and what it
 * signs is the JDK's RS256 signature byte for byte; where it cannot load, the JDK signs.
 */
class SigningProviderTests {

	@Test
	void signatureOfTheProviderInUseIsTheJdksRs256SignatureAndVerifiesWithTheJdk() throws Exception {
		SigningProvider signing = new SigningProvider();
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair pair = generator.generateKeyPair();
		RSAKey jwk = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate()).keyID("k1").build();
		PrivateKey translated = signing.translate(jwk.toRSAPrivateKey());
		RSASSASigner signer = new RSASSASigner(translated);
		if (signing.provider() != null) {
			signer.getJCAContext().setProvider(signing.provider());
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
				new JWTClaimsSet.Builder().subject(UUID.randomUUID().toString()).build());
		jwt.sign(signer);

		assertThat(SignedJWT.parse(jwt.serialize()).verify(new RSASSAVerifier(jwk.toRSAPublicKey()))).isTrue();
		Signature jdk = Signature.getInstance("SHA256withRSA", "SunRsaSign");
		jdk.initSign(pair.getPrivate());
		jdk.update(jwt.getSigningInput());
		// PKCS #1 v1.5 is deterministic: any correct provider gives the same bytes
		assertThat(jwt.getSignature().decode()).isEqualTo(jdk.sign());
		if ("amd64".equals(System.getProperty("os.arch")) && System.getProperty("os.name").startsWith("Linux")) {
			assertThat(signing.name()).as("the provider on linux x86_64").startsWith("AmazonCorrettoCryptoProvider");
		}
	}

	@Test
	void providerThatCannotLoadLeavesSigningToTheJdk() throws Exception {
		SigningProvider signing = new SigningProvider("com.example.NoSuchProvider");
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		PrivateKey key = generator.generateKeyPair().getPrivate();

		assertThat(signing.provider()).isNull();
		assertThat(signing.name()).isEqualTo("JDK");
		assertThat(signing.translate(key)).isSameAs(key);
	}

}
