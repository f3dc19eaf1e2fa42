package dev.portcullis.gateway.security;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import reactor.core.publisher.Mono;

import dev.portcullis.gateway.security.SigningKeys.SigningKey;
import dev.portcullis.contract.CompactJws;

/**
 * Verifies access tokens (RFC 9068 JWT profile, RS256 by default) against the keys held by
 * a {@link SigningKeySource}, without any network call on the request path.
 *
 * <p>Each token's signature is checked once: verified identities are cached, keyed on the
 * exact token text, until the token's {@code exp}, and {@code exp} is checked again on every
 * hit. Tokens that cannot pass are rejected before any signature work: oversize, malformed,
 * an algorithm outside the allowlist, a wrong {@code typ}, an {@code exp} in the past.
 * Nothing is accepted on unverified claims, and the algorithm is never chosen from the token.
 */
public final class AccessTokenVerifier {

	private static final Pattern UUID_TEXT = Pattern.compile(
			"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private final SigningKeySource keyStore;

	private final Settings settings;

	private final Clock clock;

	private final Cache<String, VerifiedAccess> cache;

	public AccessTokenVerifier(SigningKeySource keyStore, Settings settings, Clock clock) {
		this.keyStore = keyStore;
		this.settings = settings;
		this.clock = clock;
		this.cache = Caffeine.newBuilder()
			.maximumSize(settings.cacheSize())
			.expireAfter(Expiry.<String, VerifiedAccess>creating(
					(token, access) -> Duration.ofMillis(Math.max(0, access.expiresAtMillis()
							+ settings.clockSkew().toMillis() - clock.millis()))))
			.build();
	}

	/**
	 * Verifies a token.
	 * @param token the compact JWS from the access cookie
	 * @return the verified identity, or an error: {@link TokenRejectedException} for a bad
	 * token, {@link KeysUnavailableException} when the keys to check it are not available
	 */
	public Mono<VerifiedAccess> verify(String token) {
		VerifiedAccess cached = this.cache.getIfPresent(token);
		if (cached != null) {
			return notExpired(cached);
		}
		return Mono.fromCallable(() -> precheck(token))
			.flatMap((jwt) -> signingKey(jwt).map((key) -> verifySignatureAndClaims(jwt, key)))
			.doOnNext((access) -> this.cache.put(token, access));
	}

	/**
	 * Verifies a token without consulting or filling the cache; for measurements.
	 * @param token the compact JWS
	 * @return the verified identity
	 */
	public VerifiedAccess verifyUncached(String token) {
		SignedJWT jwt = precheck(token);
		SigningKey key = this.keyStore.current().find(jwt.getHeader().getKeyID());
		if (key == null) {
			throw TokenRejectedException.invalid();
		}
		return verifySignatureAndClaims(jwt, key);
	}

	private Mono<VerifiedAccess> notExpired(VerifiedAccess access) {
		if (access.expiresAtMillis() + this.settings.clockSkew().toMillis() <= this.clock.millis()) {
			return Mono.error(TokenRejectedException.expired());
		}
		return Mono.just(access);
	}

	private SignedJWT precheck(String token) {
		if (token.length() > this.settings.maxTokenSize() || !CompactJws.isCanonical(token)) {
			throw TokenRejectedException.invalid();
		}
		SignedJWT jwt;
		JWTClaimsSet claims;
		try {
			jwt = SignedJWT.parse(token);
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw TokenRejectedException.invalid();
		}
		JWSHeader header = jwt.getHeader();
		if (!this.settings.algorithms().contains(header.getAlgorithm()) || header.getKeyID() == null
				|| !isExpectedType(header.getType())) {
			throw TokenRejectedException.invalid();
		}
		Date exp = claims.getExpirationTime();
		if (exp == null) {
			throw TokenRejectedException.invalid();
		}
		if (exp.getTime() + this.settings.clockSkew().toMillis() <= this.clock.millis()) {
			throw TokenRejectedException.expired();
		}
		return jwt;
	}

	private Mono<SigningKey> signingKey(SignedJWT jwt) {
		String kid = jwt.getHeader().getKeyID();
		SigningKey known = this.keyStore.current().find(kid);
		if (known != null) {
			return Mono.just(known);
		}
		return this.keyStore.refetchForUnknownKey().then(Mono.defer(() -> keyAfterRefetch(kid)));
	}

	private Mono<SigningKey> keyAfterRefetch(String kid) {
		SigningKeys keys = this.keyStore.current();
		SigningKey key = keys.find(kid);
		if (key != null) {
			return Mono.just(key);
		}
		// with no answer from the auth service we cannot tell a new key from a forged kid
		if (!keys.loaded() || this.keyStore.lastFetchFailed()) {
			return Mono.error(new KeysUnavailableException());
		}
		return Mono.error(TokenRejectedException.invalid());
	}

	private VerifiedAccess verifySignatureAndClaims(SignedJWT jwt, SigningKey key) {
		if (!key.algorithms().contains(jwt.getHeader().getAlgorithm()) || !verifySignature(jwt, key)) {
			throw TokenRejectedException.invalid();
		}
		try {
			return verifyClaims(jwt.getHeader().getKeyID(), jwt.getJWTClaimsSet());
		}
		catch (ParseException ex) {
			throw TokenRejectedException.invalid();
		}
	}

	private static boolean verifySignature(SignedJWT jwt, SigningKey key) {
		try {
			return jwt.verify(key.verifier());
		}
		catch (JOSEException | IllegalStateException ex) {
			return false;
		}
	}

	private VerifiedAccess verifyClaims(String keyId, JWTClaimsSet claims) throws ParseException {
		long now = this.clock.millis();
		long skew = this.settings.clockSkew().toMillis();
		Date nbf = claims.getNotBeforeTime();
		// required: a user's "not before" revocation is judged by it
		Date iat = claims.getIssueTime();
		List<String> audience = claims.getAudience();
		if (iat == null || !this.settings.issuer().equals(claims.getIssuer()) || audience == null
				|| !audience.contains(this.settings.audience()) || (nbf != null && nbf.getTime() - skew > now)) {
			throw TokenRejectedException.invalid();
		}
		String userId = uuid(claims.getSubject());
		String sessionId = uuid(claims.getStringClaim("sid"));
		List<String> roles = claims.getStringListClaim("roles");
		if (roles == null) {
			roles = List.of();
		}
		for (String role : roles) {
			if (!isHeaderSafeRole(role)) {
				throw TokenRejectedException.invalid();
			}
		}
		return new VerifiedAccess(userId, sessionId, roles, keyId, iat.getTime(), claims.getExpirationTime().getTime());
	}

	private boolean isExpectedType(JOSEObjectType type) {
		if (type == null) {
			return false;
		}
		String value = type.getType();
		// RFC 9068 §2.1: "application/at+jwt" may be shortened to "at+jwt"
		return value.equalsIgnoreCase(this.settings.tokenType())
				|| value.equalsIgnoreCase("application/" + this.settings.tokenType());
	}

	private static String uuid(String value) {
		if (value == null || !UUID_TEXT.matcher(value).matches()) {
			throw TokenRejectedException.invalid();
		}
		return value;
	}

	private static boolean isHeaderSafeRole(String role) {
		if (role.isEmpty()) {
			return false;
		}
		for (int i = 0; i < role.length(); i++) {
			char c = role.charAt(i);
			if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '-' && c != '.' && c != ':') {
				return false;
			}
		}
		return true;
	}

	/**
	 * What a valid token must carry and how hard the verifier works.
	 *
	 * @param issuer required {@code iss}
	 * @param audience required member of {@code aud}
	 * @param tokenType required {@code typ} header
	 * @param algorithms accepted JWS algorithms
	 * @param clockSkew tolerance on {@code exp} and {@code nbf}
	 * @param maxTokenSize longest token parsed
	 * @param cacheSize most verified tokens cached
	 */
	public record Settings(String issuer, String audience, String tokenType, Set<JWSAlgorithm> algorithms,
			Duration clockSkew, int maxTokenSize, long cacheSize) {

		public Settings {
			algorithms = Set.copyOf(algorithms);
		}

	}

}
