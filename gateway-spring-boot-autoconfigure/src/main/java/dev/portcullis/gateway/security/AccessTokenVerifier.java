package dev.portcullis.gateway.security;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.Timer;
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
 * hit. A cache entry also remembers the key set (its generation: the {@link SigningKeys}
 * snapshot) and the key it was verified under; when the key source holds a newer set, the hit
 * looks the token's {@code kid} up again and is served only if the same key is still published,
 * so a token stops working once its key leaves the JWK Set, not at its {@code exp}. The cache is
 * bounded by the heap its entries retain ({@link TokenCacheWeight}), not by their count: a
 * client presenting endless fresh tokens evicts older ones and costs signature checks, never
 * the heap. A token
 * whose lifetime exceeds {@link Settings#maxTokenLifetime()} is refused like any broken claim,
 * so no token, even one minted with a leaked key, lives longer than the issuer's TTL.
 * Tokens that cannot pass are rejected before any signature work: oversize, malformed,
 * an algorithm outside the allowlist, a wrong {@code typ}, an {@code exp} in the past.
 * Nothing is accepted on unverified claims, and the algorithm is never chosen from the token.
 * The header and claims rules are the contract's {@link AccessTokenRules}, the same function
 * the auth service's verifier calls.
 */
public final class AccessTokenVerifier {

	private final SigningKeySource keyStore;

	private final Settings settings;

	private final Clock clock;

	private final Cache<String, Entry> cache;

	private final AccessTokenRules rules;

	private final Timer verifications;

	public AccessTokenVerifier(SigningKeySource keyStore, Settings settings, Clock clock) {
		this(keyStore, settings, clock, null);
	}

	/**
	 * Creates a verifier that is measured.
	 * @param keyStore where the signing keys come from
	 * @param settings what a valid token must carry
	 * @param clock the time
	 * @param verifications times every full verification (a cache miss); when given, the cache
	 * also records its statistics for {@link AccessCheckMetrics}. {@code null} for no meter work
	 */
	public AccessTokenVerifier(SigningKeySource keyStore, Settings settings, Clock clock, Timer verifications) {
		this.keyStore = keyStore;
		this.settings = settings;
		this.clock = clock;
		this.verifications = verifications;
		this.rules = new AccessTokenRules(settings.issuer(), settings.audience(), settings.algorithms(), settings.clockSkew(),
				settings.maxTokenLifetime());
		Caffeine<String, Entry> builder = Caffeine.newBuilder()
			.maximumWeight(settings.cacheMaxWeight())
			.weigher((String token, Entry entry) -> TokenCacheWeight.of(token, entry.access()));
		if (verifications != null) {
			builder.recordStats();
		}
		this.cache = builder
			.expireAfter(Expiry.<String, Entry>creating(
					(token, entry) -> Duration.ofMillis(Math.max(0, entry.access().expiresAtMillis()
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
		Entry cached = this.cache.getIfPresent(token);
		if (cached != null && stillPublished(token, cached)) {
			return notExpired(cached.access());
		}
		Mono<VerifiedAccess> verified = Mono.fromCallable(() -> precheck(token))
			.flatMap((jwt) -> signingKey(jwt).map((found) -> {
				VerifiedAccess access = verifySignatureAndClaims(jwt, found.key());
				this.cache.put(token, new Entry(access, found.keys(), found.key()));
				return access;
			}));
		Timer timer = this.verifications;
		if (timer == null) {
			return verified;
		}
		long start = System.nanoTime();
		return verified.doFinally((signal) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
	}

	/** The verified tokens, for the cache's meters. */
	Cache<String, ?> cache() {
		return this.cache;
	}

	/** The cache's bound, bytes. */
	long cacheMaxWeight() {
		return this.settings.cacheMaxWeight();
	}

	/**
	 * What the cached tokens weigh now, by {@link TokenCacheWeight}; eviction brings it back
	 * under {@link Settings#cacheMaxWeight()} shortly after a write that exceeded it.
	 * @return bytes
	 */
	long cacheWeight() {
		return this.cache.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(0)).orElse(0L);
	}

	/**
	 * Whether the key a cached token was verified under is still in the key set: one identity
	 * comparison while the set is unchanged; after a fetch, one lookup, and the entry moves to
	 * the new generation. An entry whose key is gone or changed is dropped, and the token goes
	 * through full verification again (which refuses a {@code kid} no longer published).
	 */
	private boolean stillPublished(String token, Entry cached) {
		SigningKeys keys = this.keyStore.current();
		if (cached.keys() == keys) {
			return true;
		}
		SigningKey key = keys.find(cached.access().keyId());
		if (key != null && key.sameKeyAs(cached.key())) {
			this.cache.put(token, new Entry(cached.access(), keys, key));
			return true;
		}
		this.cache.invalidate(token);
		return false;
	}

	private Mono<VerifiedAccess> notExpired(VerifiedAccess access) {
		if (access.expiresAtMillis() + this.settings.clockSkew().toMillis() <= this.clock.millis()) {
			return Mono.error(TokenRejectedException.expired());
		}
		return Mono.just(access);
	}

	/**
	 * Parses a compact JWS; a segment that is valid JSON but no object ({@code null}, as in
	 * {@code bnVsbA.e30.sig}) makes the library throw a {@link NullPointerException}, which is as
	 * invalid a token as any other parse failure.
	 */
	private static SignedJWT parse(String token) throws ParseException {
		try {
			return SignedJWT.parse(token);
		}
		catch (RuntimeException ex) {
			throw new ParseException("Not a JWS: " + ex.getClass().getSimpleName(), 0);
		}
	}

	private static JWTClaimsSet claimsOf(SignedJWT jwt) throws ParseException {
		try {
			return jwt.getJWTClaimsSet();
		}
		catch (RuntimeException ex) {
			throw new ParseException("No claims object: " + ex.getClass().getSimpleName(), 0);
		}
	}

	private SignedJWT precheck(String token) {
		if (token.length() > this.settings.maxTokenSize() || !CompactJws.isCanonical(token)) {
			throw TokenRejectedException.invalid();
		}
		SignedJWT jwt;
		JWTClaimsSet claims;
		try {
			jwt = parse(token);
			claims = claimsOf(jwt);
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

	private Mono<KeyInSet> signingKey(SignedJWT jwt) {
		String kid = jwt.getHeader().getKeyID();
		SigningKeys keys = this.keyStore.current();
		SigningKey known = keys.find(kid);
		if (known != null) {
			return Mono.just(new KeyInSet(keys, known));
		}
		return this.keyStore.refetchForUnknownKey().then(Mono.defer(() -> keyAfterRefetch(kid)));
	}

	private Mono<KeyInSet> keyAfterRefetch(String kid) {
		SigningKeys keys = this.keyStore.current();
		SigningKey key = keys.find(kid);
		if (key != null) {
			return Mono.just(new KeyInSet(keys, key));
		}
		// with no answer from the auth service we cannot tell a new key from a forged kid
		if (!keys.loaded() || this.keyStore.lastFetchFailed()) {
			return Mono.error(new KeysUnavailableException());
		}
		return Mono.error(TokenRejectedException.unknownKey(kid));
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

	/** A verified token, with the key set generation and the key it was verified under. */
	private record Entry(VerifiedAccess access, SigningKeys keys, SigningKey key) {
	}

	/** A key and the key set snapshot it was found in. */
	private record KeyInSet(SigningKeys keys, SigningKey key) {
	}

	/**
	 * What a valid token must carry and how hard the verifier works.
	 *
	 * @param issuer required {@code iss}
	 * @param audience required member of {@code aud}
	 * @param algorithms accepted JWS algorithms
	 * @param clockSkew tolerance on {@code exp}, {@code nbf} and the lifetime
	 * @param maxTokenLifetime longest lifetime accepted, {@code exp - iat} and {@code exp - now},
	 * clock skew added: the auth service's access-token TTL
	 * @param maxTokenSize longest token parsed
	 * @param cacheMaxWeight most bytes of heap the cached tokens may retain, by
	 * {@link TokenCacheWeight}
	 */
	public record Settings(String issuer, String audience, Set<JWSAlgorithm> algorithms,
			Duration clockSkew, Duration maxTokenLifetime, int maxTokenSize, long cacheMaxWeight) {

		public Settings {
			algorithms = Set.copyOf(algorithms);
			if (cacheMaxWeight <= 0) {
				throw new IllegalArgumentException("The token cache needs a positive weight, got " + cacheMaxWeight);
			}
		}

	}

}
