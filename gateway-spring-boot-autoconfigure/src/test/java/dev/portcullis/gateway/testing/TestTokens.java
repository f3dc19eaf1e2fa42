package dev.portcullis.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Access tokens as the auth service issues them, with one field changed at a time.
 */
public final class TestTokens {

	public static final String USER_ID = "6f1c2a4e-8b0d-4a53-9f6e-2c7d9b1e3a50";

	public static final String SESSION_ID = "0b9e7c3d-5a14-4f28-8d61-e2f4a7c90b13";

	private TestTokens() {
	}

	/** A valid token signed with {@code key}, valid from now for 15 minutes. */
	public static Builder accessToken(RSAKey key) {
		return new Builder(key, Instant.now());
	}

	public static Builder accessToken(RSAKey key, Instant now) {
		return new Builder(key, now);
	}

	/** A token whose header says {@code alg: none}, with no signature. */
	public static String unsecured(RSAKey key) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String header = "{\"alg\":\"none\",\"kid\":\"" + key.getKeyID() + "\",\"typ\":\"at+jwt\"}";
		String payload = accessToken(key).claims().toString();
		return encoder.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".";
	}

	/** The classic confusion attack: HS256 keyed with the RSA public key's bytes. */
	public static String hs256WithPublicKey(RSAKey key) {
		try {
			JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID())
				.type(new JOSEObjectType("at+jwt"))
				.build();
			SignedJWT jwt = new SignedJWT(header, accessToken(key).claims());
			byte[] secret = key.toRSAPublicKey().getEncoded();
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Builds one token; every setter changes only its own field. */
	public static final class Builder {

		private final RSAKey key;

		private final JWTClaimsSet.Builder claims;

		private String keyId;

		private String type = "at+jwt";

		Builder(RSAKey key, Instant now) {
			this.key = key;
			this.keyId = key.getKeyID();
			this.claims = new JWTClaimsSet.Builder().issuer("portcullis")
				.audience("portcullis")
				.subject(USER_ID)
				.claim("sid", SESSION_ID)
				.jwtID(UUID.randomUUID().toString())
				.issueTime(Date.from(now))
				.notBeforeTime(Date.from(now))
				.expirationTime(Date.from(now.plusSeconds(900)))
				.claim("roles", List.of("user"));
		}

		public Builder issuer(String issuer) {
			this.claims.issuer(issuer);
			return this;
		}

		public Builder audience(String... audience) {
			this.claims.audience(List.of(audience));
			return this;
		}

		public Builder expiresAt(Instant exp) {
			this.claims.expirationTime(Date.from(exp));
			return this;
		}

		public Builder notBefore(Instant nbf) {
			this.claims.notBeforeTime(Date.from(nbf));
			return this;
		}

		public Builder claim(String name, Object value) {
			this.claims.claim(name, value);
			return this;
		}

		public Builder keyId(String keyId) {
			this.keyId = keyId;
			return this;
		}

		public Builder type(String type) {
			this.type = type;
			return this;
		}

		JWTClaimsSet claims() {
			return this.claims.build();
		}

		public String sign() {
			JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.keyId);
			if (this.type != null) {
				header.type(new JOSEObjectType(this.type));
			}
			SignedJWT jwt = new SignedJWT(header.build(), claims());
			try {
				jwt.sign(new RSASSASigner(this.key));
			}
			catch (JOSEException ex) {
				throw new IllegalStateException(ex);
			}
			return jwt.serialize();
		}

	}

}
