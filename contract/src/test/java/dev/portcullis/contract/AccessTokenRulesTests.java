package dev.portcullis.contract;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.testsupport.HostileTokens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AccessTokenRulesTests {

	private static final RSAKey KEY = HostileTokens.rsaKey("rules-key");

	private static final String USER = UUID.randomUUID().toString();

	private static final String SESSION = UUID.randomUUID().toString();

	private final AccessTokenRules rules = new AccessTokenRules(AccessTokenFormat.DEFAULT_ISSUER,
			AccessTokenFormat.DEFAULT_AUDIENCE, Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(30),
			Duration.ofMinutes(15));

	static Stream<HostileTokens.Case> hostileTokens() {
		return new HostileTokens(KEY, AccessTokenFormat.DEFAULT_ISSUER, AccessTokenFormat.DEFAULT_AUDIENCE, USER, SESSION)
			.cases()
			.stream()
			// a duplicated, empty or unparsable cookie is the cookie reader's concern, not the token's
			.filter((hostile) -> hostile.cookieValues().size() == 1
					&& !ErrorCodes.TOKEN_MISSING.equals(hostile.expectedCode()));
	}

	@ParameterizedTest
	@MethodSource("hostileTokens")
	void checkWhenHostileTokenThenRefusedWithItsCode(HostileTokens.Case hostile) {
		assertThat(outcome(hostile.cookieValues().get(0))).isEqualTo(hostile.expectedCode());
	}

	@Test
	void checkWhenValidThenReturnsWhatTheTokenSays() throws Exception {
		SignedJWT jwt = SignedJWT.parse(new HostileTokens(KEY, "portcullis", "portcullis", USER, SESSION).valid());
		long now = System.currentTimeMillis();
		AccessClaims claims = this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), now);
		assertThat(claims.userId()).isEqualTo(USER);
		assertThat(claims.sessionId()).isEqualTo(SESSION);
		assertThat(claims.keyId()).isEqualTo("rules-key");
		assertThat(claims.roles()).containsExactly("user");
		assertThat(claims.issuedAtMillis()).isLessThanOrEqualTo(now);
		assertThat(claims.expiresAtMillis()).isGreaterThan(now);
	}

	@Test
	void checkWhenExpiredWithinSkewThenAccepted() throws Exception {
		long now = System.currentTimeMillis();
		SignedJWT jwt = token(new Date(now - 60_000), new Date(now - 10_000), "application/at+jwt");
		assertThat(this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), now).sessionId()).isEqualTo(SESSION);
	}

	@Test
	void checkWhenExpiredBeyondSkewThenExpired() throws Exception {
		long now = System.currentTimeMillis();
		SignedJWT jwt = token(new Date(now - 120_000), new Date(now - 31_000), AccessTokenFormat.TYPE);
		assertThatExceptionOfType(TokenRuleException.class)
			.isThrownBy(() -> this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), now))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCodes.TOKEN_EXPIRED));
		assertThat(this.rules.isExpired(jwt.getJWTClaimsSet(), now)).isTrue();
	}

	@Test
	void checkWhenLifetimeIsTheMaximumPlusSkewThenAccepted() throws Exception {
		long now = System.currentTimeMillis();
		SignedJWT jwt = token(new Date(now), new Date(now + 15 * 60_000 + 30_000), AccessTokenFormat.TYPE);
		assertThat(this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), now).sessionId()).isEqualTo(SESSION);
	}

	@Test
	void checkWhenLifetimeLongerThanTheMaximumThenInvalid() throws Exception {
		long now = System.currentTimeMillis();
		SignedJWT jwt = token(new Date(now), new Date(now + 15 * 60_000 + 31_000), AccessTokenFormat.TYPE);
		assertThatExceptionOfType(TokenRuleException.class)
			.isThrownBy(() -> this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), now))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCodes.TOKEN_INVALID));
	}

	@Test
	void checkWhenIssuedAtMovedAheadWithExpiryThenInvalid() throws Exception {
		long now = System.currentTimeMillis();
		long yearAhead = now + Duration.ofDays(365).toMillis();
		SignedJWT jwt = token(new Date(yearAhead - 60_000), new Date(yearAhead), AccessTokenFormat.TYPE);
		assertThatExceptionOfType(TokenRuleException.class)
			.isThrownBy(() -> this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), now))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCodes.TOKEN_INVALID));
	}

	/** What a verifier made of the contract's parts answers: the canonical spelling, the rules, an RS256 signature. */
	private String outcome(String token) {
		if (token.length() > AccessTokenFormat.MAX_TOKEN_LENGTH || !CompactJws.isCanonical(token)) {
			return ErrorCodes.TOKEN_INVALID;
		}
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			this.rules.checkHeader(jwt.getHeader());
			if (!KEY.getKeyID().equals(jwt.getHeader().getKeyID()) || !jwt.verify(new RSASSAVerifier(KEY.toRSAPublicKey()))) {
				return ErrorCodes.TOKEN_INVALID;
			}
			this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), System.currentTimeMillis());
			return "accepted";
		}
		catch (TokenRuleException ex) {
			return ex.code();
		}
		catch (Exception ex) {
			return ErrorCodes.TOKEN_INVALID;
		}
	}

	private static SignedJWT token(Date issuedAt, Date expiresAt, String type) throws Exception {
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).type(new JOSEObjectType(type)).build(),
				new JWTClaimsSet.Builder().issuer("portcullis")
					.audience("portcullis")
					.subject(USER)
					.claim(AccessTokenFormat.CLAIM_SESSION, SESSION)
					.claim(AccessTokenFormat.CLAIM_ROLES, List.of("user"))
					.jwtID("j")
					.issueTime(issuedAt)
					.expirationTime(expiresAt)
					.build());
		jwt.sign(new RSASSASigner(KEY));
		return jwt;
	}

}
