package dev.portcullis.gateway.security;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCacheWeightTests {

	private static final int ENTRIES = 20_000;

	private final MacSignedTokens tokens = new MacSignedTokens();

	@Test
	void ofWhenCachedEntriesMeasuredThenEstimateWithinTenPercentOfRetainedHeap() {
		// warm up the parsing path, so its classes and caches are not counted as entries
		fill(this.tokens.verifier(1L << 30, Clock.systemUTC()), 2_000);
		long before = usedHeapAfterGc();
		AccessTokenVerifier verifier = this.tokens.verifier(1L << 30, Clock.systemUTC());
		fill(verifier, ENTRIES);
		verifier.cache().cleanUp();
		long retained = usedHeapAfterGc() - before;
		long estimated = verifier.cacheWeight();
		System.out.printf("token cache: %d entries, retained %d bytes (%d a token), estimated %d (%d a token)%n",
				verifier.cache().estimatedSize(), retained, retained / ENTRIES, estimated, estimated / ENTRIES);
		assertThat(verifier.cache().estimatedSize()).isEqualTo(ENTRIES);
		assertThat((double) estimated).isCloseTo(retained, org.assertj.core.data.Percentage.withPercentage(10));
	}

	@Test
	void ofWhenRs256TokenAsIssuedThenAboutOnePointTwoKilobytes() {
		RSAKey key = TestKeys.rsa("k1");
		String token = TestTokens.accessToken(key).sign();
		VerifiedAccess access = new AccessTokenVerifier(SigningKeySource.of(TestKeys.signingKeys(key)),
				AccessTokenVerifierTests.settings(), Clock.systemUTC())
			.verify(token)
			.block();
		int weight = TokenCacheWeight.of(token, access);
		System.out.printf("RS256 token of %d characters weighs %d bytes%n", token.length(), weight);
		assertThat(weight).isBetween(1100, 1300);
		assertThat(TokenCacheBudget.BYTES_PER_LEGACY_ENTRY).isBetween((long) weight - 50, (long) weight + 50);
	}

	@Test
	void verifyWhenTokensPastMaxWeightThenWeightStaysWithinBoundAndEveryTokenVerifies() {
		long bound = 200 * 1024;
		AccessTokenVerifier verifier = this.tokens.verifier(bound, Clock.systemUTC());
		for (int i = 0; i < 2_000; i++) {
			assertThat(verifier.verify(this.tokens.next(Instant.now())).block()).isNotNull();
		}
		// Caffeine evicts after the write, on its maintenance pass: run it now
		verifier.cache().cleanUp();
		assertThat(verifier.cacheWeight()).isPositive().isLessThanOrEqualTo(bound);
		assertThat(verifier.cache().estimatedSize()).isBetween(100L, 400L);
	}

	private void fill(AccessTokenVerifier verifier, int count) {
		Instant now = Instant.now();
		for (int i = 0; i < count; i++) {
			assertThat(verifier.verify(this.tokens.next(now)).block()).isNotNull();
		}
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
