package dev.portcullis.gateway.security;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * The access check's meters besides the verification timer: the verified-token cache
 * ({@code cache.*{cache="access-tokens"}}, its weight and bound
 * {@code portcullis.gateway.token.cache.*weight}) and the signing keys
 * ({@code portcullis.gateway.jwks.*}). All read state the verifier and the key store keep
 * anyway, at scrape time: nothing is done per request.
 */
class AccessCheckMetrics implements MeterBinder {

	static final String CACHE_NAME = "access-tokens";

	static final String VERIFICATION = "portcullis.gateway.token.verification";

	static final String CACHE_WEIGHT = "portcullis.gateway.token.cache.weight";

	static final String CACHE_MAX_WEIGHT = "portcullis.gateway.token.cache.max.weight";

	static final String JWKS_AGE = "portcullis.gateway.jwks.age";

	static final String JWKS_FETCHES = "portcullis.gateway.jwks.fetches";

	static final String JWKS_UNKNOWN_KID_REFETCHES = "portcullis.gateway.jwks.unknown.kid.refetches";

	private final AccessTokenVerifier verifier;

	private final JwksKeyStore keyStore;

	AccessCheckMetrics(AccessTokenVerifier verifier, JwksKeyStore keyStore) {
		this.verifier = verifier;
		this.keyStore = keyStore;
	}

	/**
	 * The timer of full token verifications (cache misses), registered now: the verifier needs
	 * it when it is created.
	 */
	static Timer verificationTimer(MeterRegistry registry) {
		return Timer.builder(VERIFICATION)
			.description("Full verifications of access tokens not in the cache: parsing, key lookup, signature, claims")
			.register(registry);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		CaffeineCacheMetrics.monitor(registry, this.verifier.cache(), CACHE_NAME);
		Gauge.builder(CACHE_WEIGHT, this.verifier, AccessTokenVerifier::cacheWeight)
			.description("Heap the cached verified tokens retain, estimated per entry")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder(CACHE_MAX_WEIGHT, this.verifier, AccessTokenVerifier::cacheMaxWeight)
			.description("Most heap the verified-token cache may retain: token-cache.max-weight, or an eighth of the heap")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder(JWKS_AGE, this.keyStore, JwksKeyStore::keysAgeSeconds)
			.description("Seconds since the signing keys were last fetched successfully (since start-up before that)")
			.baseUnit("seconds")
			.register(registry);
		fetches(registry, "ok", true);
		fetches(registry, "failed", false);
		FunctionCounter.builder(JWKS_UNKNOWN_KID_REFETCHES, this.keyStore, JwksKeyStore::unknownKeyRefetches)
			.description("JWK Set fetches started because a token named a key not held")
			.register(registry);
	}

	private void fetches(MeterRegistry registry, String result, boolean ok) {
		FunctionCounter.builder(JWKS_FETCHES, this.keyStore, (store) -> store.fetches(ok))
			.description("JWK Set fetches, by result")
			.tag("result", result)
			.register(registry);
	}

}
