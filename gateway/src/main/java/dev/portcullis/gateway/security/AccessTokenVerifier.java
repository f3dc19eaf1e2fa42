package dev.portcullis.gateway.security;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import reactor.core.publisher.Mono;

import dev.portcullis.gateway.security.SigningKeys.SigningKey;
import dev.portcullis.contract.AccessClaims;
import dev.portcullis.contract.AccessTokenRules;
import dev.portcullis.contract.CompactJws;
import dev.portcullis.contract.TokenRuleException;

/**
 * Verifies access tokens (RFC 9068 JWT profile, RS256 by default) against the keys held by
 * a {@link SigningKeySource}, without any network call on the request path.
 *
 * <p>Each token's signature is checked once: verified identities are cached, keyed on the
 * exact token text, until the token's {@code exp}, and {@code exp} is checked again on every
 * hit. Tokens that cannot pass are rejected before any signature work: oversize, malformed,
 * an algorithm outside the allowlist, a wrong {@code typ}, an {@code exp} in the past.
 * Nothing is accepted on unverified claims, and the algorithm is never chosen from the token.
 * The header and claims rules are the contract's {@link AccessTokenRules}, the same function
 * the auth service's verifier calls.
 */
public final class AccessTokenVerifier {

	private final SigningKeySource keyStore;

	private final Settings settings;

	private final Clock clock;

	private final Cache<String, VerifiedAccess> cache;

	private final AccessTokenRules rules;

	public AccessTokenVerifier(SigningKeySource keyStore, Settings settings, Clock clock) {
		this.keyStore = keyStore;
		this.settings = settings;
		this.clock = clock;
		this.rules = new AccessTokenRules(settings.issuer(), settings.audience(), settings.algorithms(), settings.clockSkew());
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
			this.rules.checkHeader(jwt.getHeader());
		}
		catch (ParseException ex) {
			throw TokenRejectedException.invalid();
		}
		catch (TokenRuleException ex) {
			throw TokenRejectedException.of(ex);
		}
		// cheap reject before any signature work; the rules check it again, with everything else
		if (this.rules.isExpired(claims, this.clock.millis())) {
			throw (claims.getExpirationTime() != null) ? TokenRejectedException.expired() : TokenRejectedException.invalid();
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
			AccessClaims claims = this.rules.checkClaims(jwt.getHeader(), jwt.getJWTClaimsSet(), this.clock.millis());
			return new VerifiedAccess(claims.userId(), claims.sessionId(), claims.roles(), claims.keyId(),
					claims.issuedAtMillis(), claims.expiresAtMillis());
		}
		catch (ParseException ex) {
			throw TokenRejectedException.invalid();
		}
		catch (TokenRuleException ex) {
			throw TokenRejectedException.of(ex);
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

	/**
	 * What a valid token must carry and how hard the verifier works.
	 *
	 * @param issuer required {@code iss}
	 * @param audience required member of {@code aud}
	 * @param algorithms accepted JWS algorithms
	 * @param clockSkew tolerance on {@code exp} and {@code nbf}
	 * @param maxTokenSize longest token parsed
	 * @param cacheSize most verified tokens cached
	 */
	public record Settings(String issuer, String audience, Set<JWSAlgorithm> algorithms,
			Duration clockSkew, int maxTokenSize, long cacheSize) {

		public Settings {
			algorithms = Set.copyOf(algorithms);
		}

	}

}
