package dev.portcullis.gateway.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Access tokens shaped like the auth service's (same claims, UUID subject and session) but
 * signed with HMAC, so a test can mint and verify hundreds of thousands of distinct tokens in
 * seconds; an RS256 signature costs about a millisecond to make. The verifier runs its whole
 * path on them (parse, header and claims rules, signature, cache); only the signature maths is
 * cheaper. The cache's weight is computed from each token's real length, so a shorter
 * signature is weighed as such.
 */
final class MacSignedTokens {

	static final String KEY_ID = "mac-1";

	private final byte[] secret = new byte[32];

	private final MACSigner signer;

	private final SigningKeys keys;

	MacSignedTokens() {
		new SecureRandom().nextBytes(this.secret);
		try {
			this.signer = new MACSigner(this.secret);
			OctetSequenceKey jwk = new OctetSequenceKey.Builder(this.secret).keyID(KEY_ID).build();
			this.keys = SigningKeys
				.of(new SigningKeys.SigningKey(Set.of(JWSAlgorithm.HS256), new MACVerifier(this.secret), jwk));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A verifier of these tokens with the given cache bound. */
	AccessTokenVerifier verifier(long cacheMaxWeight, Clock clock) {
		return new AccessTokenVerifier(SigningKeySource.of(this.keys),
				new AccessTokenVerifier.Settings("portcullis", "portcullis", Set.of(JWSAlgorithm.HS256),
						Duration.ofSeconds(30), Duration.ofMinutes(15), 4096, cacheMaxWeight),
				clock);
	}

	/** A fresh token of a new user and session, issued now for 15 minutes. */
	String next(Instant now) {
		return token(UUID.randomUUID(), UUID.randomUUID(), now);
	}

	String token(UUID user, UUID session, Instant now) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("portcullis")
			.audience("portcullis")
			.subject(user.toString())
			.claim("sid", session.toString())
			.jwtID(UUID.randomUUID().toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(900)))
			.claim("roles", List.of("user"))
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY_ID).type(new JOSEObjectType("at+jwt")).build(), claims);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
