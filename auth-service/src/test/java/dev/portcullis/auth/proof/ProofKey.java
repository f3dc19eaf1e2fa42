package dev.portcullis.auth.proof;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** A browser's key pair, making proofs as portcullis-client.js does, and defective ones on request. */
final class ProofKey {

	private final ECKey key;

	private ProofKey(ECKey key) {
		this.key = key;
	}

	static ProofKey generate() {
		try {
			return new ProofKey(new ECKeyGenerator(Curve.P_256).generate());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String thumbprint() {
		try {
			return this.key.toPublicJWK().computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	ECKey privateJwk() {
		return this.key;
	}

	/** A good proof for {@code method} on {@code url}, made at {@code iat}, with a fresh jti. */
	String proof(String method, String url, Instant iat) {
		return proof(method, url, iat, (header) -> {
		}, (claims) -> {
		});
	}

	/** A proof made as {@link #proof(String, String, Instant)}, then changed. */
	String proof(String method, String url, Instant iat, Consumer<JWSHeader.Builder> header,
			Consumer<JWTClaimsSet.Builder> claims) {
		JWSHeader.Builder headerBuilder = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
			.jwk(this.key.toPublicJWK());
		header.accept(headerBuilder);
		JWTClaimsSet.Builder claimsBuilder = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", method)
			.claim("htu", url)
			.issueTime(Date.from(iat));
		claims.accept(claimsBuilder);
		SignedJWT jwt = new SignedJWT(headerBuilder.build(), claimsBuilder.build());
		try {
			jwt.sign(new ECDSASigner(this.key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
