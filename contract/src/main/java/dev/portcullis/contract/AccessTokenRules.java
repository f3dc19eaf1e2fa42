package dev.portcullis.contract;

import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;

/**
 * The rules an access token's header and claims must meet, in one pure function both verifiers
 * call (the gateway on every cache miss, the auth service on its own endpoints), so the two
 * accept and reject exactly the same tokens. No cache, no keys, no I/O: signature checking is the
 * caller's, between {@link #checkHeader} and {@link #checkClaims}.
 *
 * <p>Header: an allowlisted {@code alg} (never chosen from the token), a {@code kid}, and
 * {@code typ} {@value AccessTokenFormat#TYPE} (RFC 9068 section 2.1). Claims: {@code iss},
 * {@code aud} (RFC 7519 section 4.1.3), {@code exp} and {@code nbf} with the clock skew,
 * {@code iat} and {@code jti} present, {@code sub} and {@code sid} UUIDs, roles that can be
 * put in a header as they are, and a lifetime no longer than the issuer's: neither
 * {@code exp - iat} nor {@code exp - now} may exceed the maximum lifetime plus the clock skew, so
 * a token signed with a leaked key cannot be made to live for years, whatever its {@code iat}.
 */
public final class AccessTokenRules {

	private final String issuer;

	private final String audience;

	private final Set<JWSAlgorithm> algorithms;

	private final long skewMillis;

	private final long maxLifetimeMillis;

	/**
	 * The rules for one issuer's tokens.
	 * @param issuer required {@code iss}
	 * @param audience required member of {@code aud}
	 * @param algorithms accepted JWS algorithms
	 * @param clockSkew tolerance on {@code exp}, {@code nbf} and the lifetime
	 * @param maxLifetime the longest lifetime the issuer gives a token (its access-token TTL)
	 */
	public AccessTokenRules(String issuer, String audience, Set<JWSAlgorithm> algorithms, Duration clockSkew,
			Duration maxLifetime) {
		if (maxLifetime.isNegative() || maxLifetime.isZero()) {
			throw new IllegalArgumentException("The maximum access-token lifetime must be positive");
		}
		this.issuer = issuer;
		this.audience = audience;
		this.algorithms = Set.copyOf(algorithms);
		this.skewMillis = clockSkew.toMillis();
		this.maxLifetimeMillis = maxLifetime.toMillis();
	}

	/**
	 * The header rules, cheap enough to run before any key lookup.
	 * @param header the token's JOSE header
	 * @throws TokenRuleException when a rule is broken
	 */
	public void checkHeader(JWSHeader header) {
		if (!this.algorithms.contains(header.getAlgorithm()) || header.getKeyID() == null || !isAccessTokenType(header.getType())) {
			throw TokenRuleException.invalid();
		}
	}

	/**
	 * Whether {@code exp} is past, skew included; a cheap reject before signature work.
	 * @param claims the token's claims
	 * @param nowMillis the current time
	 * @return true when the token has expired or names no expiry
	 */
	public boolean isExpired(JWTClaimsSet claims, long nowMillis) {
		Date exp = claims.getExpirationTime();
		return exp == null || exp.getTime() + this.skewMillis <= nowMillis;
	}

	/**
	 * Every rule, header and claims, for a token whose signature the caller has verified.
	 * @param header the token's JOSE header
	 * @param claims the token's claims
	 * @param nowMillis the current time, epoch milliseconds
	 * @return what the token says
	 * @throws TokenRuleException {@code token_expired} when only the expiry fails,
	 * {@code token_invalid} for anything else
	 */
	public AccessClaims checkClaims(JWSHeader header, JWTClaimsSet claims, long nowMillis) {
		checkHeader(header);
		Date exp = claims.getExpirationTime();
		Date nbf = claims.getNotBeforeTime();
		Date iat = claims.getIssueTime();
		List<String> audiences = claims.getAudience();
		if (exp == null || iat == null || claims.getJWTID() == null || !this.issuer.equals(claims.getIssuer())
				|| audiences == null || !audiences.contains(this.audience)
				|| (nbf != null && nbf.getTime() - this.skewMillis > nowMillis)) {
			throw TokenRuleException.invalid();
		}
		String userId = uuid(claims.getSubject());
		String sessionId;
		List<String> roles;
		try {
			sessionId = uuid(claims.getStringClaim(AccessTokenFormat.CLAIM_SESSION));
			roles = claims.getStringListClaim(AccessTokenFormat.CLAIM_ROLES);
		}
		catch (ParseException ex) {
			throw TokenRuleException.invalid();
		}
		if (roles == null) {
			roles = List.of();
		}
		for (String role : roles) {
			if (!isHeaderSafeRole(role)) {
				throw TokenRuleException.invalid();
			}
		}
		if (isExpired(claims, nowMillis)) {
			throw TokenRuleException.expired();
		}
		// after the expiry: a token past its exp is answered "expired", whatever its lifetime was
		if (livesTooLong(exp.getTime(), iat.getTime(), nowMillis)) {
			throw TokenRuleException.invalid();
		}
		return new AccessClaims(userId, sessionId, roles, header.getKeyID(), iat.getTime(), exp.getTime());
	}

	/**
	 * Whether the token would stay valid for longer than the issuer ever grants: measured from
	 * {@code iat}, and from now, so an {@code iat} moved ahead with {@code exp} does not hide it.
	 */
	private boolean livesTooLong(long expMillis, long iatMillis, long nowMillis) {
		long limit = this.maxLifetimeMillis + this.skewMillis;
		return expMillis - iatMillis > limit || expMillis - nowMillis > limit;
	}

	private static boolean isAccessTokenType(JOSEObjectType type) {
		if (type == null) {
			return false;
		}
		String value = type.getType();
		return value.equalsIgnoreCase(AccessTokenFormat.TYPE) || value.equalsIgnoreCase(AccessTokenFormat.TYPE_MEDIA);
	}

	/** The canonical 8-4-4-4-12 hex spelling, so one user or session has one spelling. */
	private static String uuid(String value) {
		if (value == null || value.length() != 36) {
			throw TokenRuleException.invalid();
		}
		for (int i = 0; i < 36; i++) {
			char c = value.charAt(i);
			boolean dash = (i == 8 || i == 13 || i == 18 || i == 23);
			boolean ok = dash ? c == '-' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
			if (!ok) {
				throw TokenRuleException.invalid();
			}
		}
		return value;
	}

	private static boolean isHeaderSafeRole(String role) {
		if (role == null || role.isEmpty()) {
			return false;
		}
		for (int i = 0; i < role.length(); i++) {
			char c = role.charAt(i);
			boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
					|| c == '.' || c == ':';
			if (!ok) {
				return false;
			}
		}
		return true;
	}

}
