package dev.portcullis.auth.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.contract.CompactJws;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Verifies an access token the way the gateway does: RS256 only, a published {@code kid},
 * {@code typ at+jwt}, then {@code iss aud exp nbf} with 30 seconds of clock skew.
 */
@Component
public class AccessTokenVerifier {

	static final int MAX_TOKEN_LENGTH = 4096;

	static final int CLOCK_SKEW_SECONDS = 30;

	private final KeyRing keys;

	private final Clock clock;

	private final AuthProperties properties;

	AccessTokenVerifier(KeyRing keys, Clock clock, AuthProperties properties) {
		this.keys = keys;
		this.clock = clock;
		this.properties = properties;
	}

	public Mono<AccessClaims> verify(String token) {
		if (token == null || token.isEmpty()) {
			return Mono.error(new AuthException(ErrorCode.TOKEN_MISSING, "No access token"));
		}
		if (token.length() > MAX_TOKEN_LENGTH) {
			return Mono.error(invalid("The access token is too long"));
		}
		if (!CompactJws.isCanonical(token)) {
			return Mono.error(invalid("The access token is not valid"));
		}
		return this.keys.current().map((keySet) -> claims(token, keySet));
	}

	private AccessClaims claims(String token, KeySet keySet) {
		Instant now = this.clock.instant();
		try {
			JWTClaimsSet claims = processor(keySet, now).process(token, null);
			return new AccessClaims(UUID.fromString(claims.getSubject()), UUID.fromString(claims.getStringClaim("sid")),
					roles(claims), claims.getExpirationTime().toInstant());
		}
		catch (ExpiredJWTException ex) {
			throw new AuthException(ErrorCode.TOKEN_EXPIRED, "The access token has expired");
		}
		catch (ParseException | JOSEException | BadJOSEException | RuntimeException ex) {
			// RuntimeException too: the JOSE library throws NullPointerException on some malformed JSON
			throw invalid("The access token is not valid");
		}
	}

	private DefaultJWTProcessor<SecurityContext> processor(KeySet keySet, Instant now) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(AccessTokenIssuer.TYPE));
		JWSVerificationKeySelector<SecurityContext> byKid = new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
				new ImmutableJWKSet<>(keySet.publicJwks(now)));
		// Every token we issue names its key; one that does not is not ours.
		processor.setJWSKeySelector((header, context) -> (header.getKeyID() == null) ? List.of()
				: byKid.selectJWSKeys(header, context));
		DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(
				this.properties.audience(), new JWTClaimsSet.Builder().issuer(this.properties.issuer()).build(),
				new HashSet<>(List.of("sub", "sid", "exp", "iat", "jti"))) {
			@Override
			protected Date currentTime() {
				return Date.from(AccessTokenVerifier.this.clock.instant());
			}
		};
		claimsVerifier.setMaxClockSkew(CLOCK_SKEW_SECONDS);
		processor.setJWTClaimsSetVerifier(claimsVerifier);
		return processor;
	}

	private static List<String> roles(JWTClaimsSet claims) throws ParseException {
		List<String> roles = claims.getStringListClaim("roles");
		return (roles != null) ? List.copyOf(roles) : List.of();
	}

	private static AuthException invalid(String detail) {
		return new AuthException(ErrorCode.TOKEN_INVALID, detail);
	}

}
