package dev.portcullis.auth.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.contract.AccessTokenFormat;
import dev.portcullis.contract.AccessTokenRules;
import dev.portcullis.contract.CompactJws;
import dev.portcullis.contract.TokenRuleException;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Verifies an access token exactly as the gateway does: the canonical compact spelling, then
 * the contract's {@link AccessTokenRules} around an RS256 signature check against a published
 * key, with 30 seconds of clock skew; no token may outlive the access-token TTL.
 */
@Component
public class AccessTokenVerifier {

	static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

	private final KeyRing keys;

	private final Clock clock;

	private final AccessTokenRules rules;

	AccessTokenVerifier(KeyRing keys, Clock clock, AuthProperties properties) {
		this.keys = keys;
		this.clock = clock;
		this.rules = new AccessTokenRules(properties.issuer(), properties.audience(), Set.of(JWSAlgorithm.RS256),
				CLOCK_SKEW, properties.accessTokenTtl());
	}

	public Mono<AccessClaims> verify(String token) {
		if (token == null || token.isEmpty()) {
			return Mono.error(new AuthException(ErrorCode.TOKEN_MISSING, "No access token"));
		}
		if (token.length() > AccessTokenFormat.MAX_TOKEN_LENGTH || !CompactJws.isCanonical(token)) {
			return Mono.error(invalid());
		}
		return this.keys.current().map((keySet) -> claims(token, keySet));
	}

	private AccessClaims claims(String token, KeySet keySet) {
		Instant now = this.clock.instant();
		dev.portcullis.contract.AccessClaims claims;
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			this.rules.checkHeader(jwt.getHeader());
			String kid = jwt.getHeader().getKeyID();
			JWK key = keySet.publicJwks(now).getKeyByKeyId(kid);
			if (key == null && keySet.withdrew(kid)) {
				// the session is not over: the client refreshes and gets a token of another key
				throw new AuthException(ErrorCode.KEY_WITHDRAWN,
						"The access token's signing key was withdrawn; refresh to get a new one");
			}
			if (!(key instanceof RSAKey rsa) || !jwt.verify(new RSASSAVerifier(rsa))) {
				throw invalid();
			}
			claims = this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), now.toEpochMilli());
		}
		catch (TokenRuleException ex) {
			throw ex.isExpired() ? new AuthException(ErrorCode.TOKEN_EXPIRED, ex.getMessage()) : invalid();
		}
		catch (ParseException | JOSEException ex) {
			throw invalid();
		}
		catch (AuthException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// the JOSE library throws NullPointerException and the like on some malformed JSON
			throw invalid();
		}
		return new AccessClaims(UUID.fromString(claims.userId()), UUID.fromString(claims.sessionId()), claims.roles(),
				Instant.ofEpochMilli(claims.expiresAtMillis()));
	}

	private static AuthException invalid() {
		return new AuthException(ErrorCode.TOKEN_INVALID, "The access token is not valid");
	}

}
