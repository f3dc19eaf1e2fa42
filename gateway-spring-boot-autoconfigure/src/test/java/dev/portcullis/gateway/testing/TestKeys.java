package dev.portcullis.gateway.testing;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.security.SigningKeys;

/**
 * RSA signing keys shaped like the auth service's.
 */
public final class TestKeys {

	private TestKeys() {
	}

	public static RSAKey rsa(String kid) {
		return rsa(kid, 2048);
	}

	public static RSAKey rsa(String kid, int bits) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(bits);
			KeyPair pair = generator.generateKeyPair();
			return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
				.keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The public JWK Set document for the given keys, as the auth service serves it. */
	public static String jwks(JWK... keys) {
		return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
	}

	public static SigningKeys signingKeys(JWK... keys) {
		try {
			return SigningKeys.parse(jwks(keys), Set.of(JWSAlgorithm.RS256));
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
