package dev.portcullis.gateway.security;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The token-cache flood, run by {@link TokenCacheFloodTests} in a JVM of its own with the
 * gateway's shipped heap: distinct valid tokens presented once each to a verifier whose cache
 * is sized as the gateway sizes it by default, one logged-in user's token presented between
 * them. Prints one result line; exits 0 when every token verified, 2 when one did not, 3 on
 * {@link OutOfMemoryError}.
 */
final class TokenCacheFlood {

	static final String RESULT = "flood-result";

	private TokenCacheFlood() {
	}

	public static void main(String[] args) {
		int count = Integer.parseInt(args[0]);
		try {
			System.exit(run(count));
		}
		catch (OutOfMemoryError ex) {
			System.out.println(RESULT + " oom");
			System.exit(3);
		}
	}

	private static int run(int count) {
		GatewayProperties properties = new Binder(
				new MapConfigurationPropertySource(Map.of("portcullis.gateway.jwks-uri", "http://auth/jwks.json",
						"portcullis.gateway.revocation.feed-uri", "http://auth/internal/revocations")))
			.bindOrCreate("portcullis.gateway", GatewayProperties.class);
		long bound = TokenCacheBudget.maxWeight(properties, Runtime.getRuntime().maxMemory());
		MacSignedTokens tokens = new MacSignedTokens();
		AccessTokenVerifier verifier = tokens.verifier(bound, Clock.systemUTC());
		UUID user = UUID.randomUUID();
		String regular = tokens.token(user, UUID.randomUUID(), Instant.now());
		VerifiedAccess first = verifier.verify(regular).block();
		int regularMisses = 0;
		long baselineHeap = usedHeapAfterGc();
		long maxWeightAfterMaintenance = 0;
		long maxWeightBeforeMaintenance = 0;
		long started = System.nanoTime();
		for (int i = 1; i <= count; i++) {
			if (verifier.verify(tokens.next(Instant.now())).block() == null) {
				System.out.println(RESULT + " refused token " + i);
				return 2;
			}
			if (i % 1000 == 0) {
				VerifiedAccess access = verifier.verify(regular).block();
				if (access == null || !access.userId().equals(user.toString())) {
					System.out.println(RESULT + " regular token refused after " + i);
					return 2;
				}
				// a cache hit hands back the identity verified first; a miss verifies afresh
				if (access != first) {
					regularMisses++;
					first = access;
				}
				maxWeightBeforeMaintenance = Math.max(maxWeightBeforeMaintenance, verifier.cacheWeight());
				verifier.cache().cleanUp();
				maxWeightAfterMaintenance = Math.max(maxWeightAfterMaintenance, verifier.cacheWeight());
			}
		}
		long millis = (System.nanoTime() - started) / 1_000_000;
		verifier.cache().cleanUp();
		long retained = usedHeapAfterGc() - baselineHeap;
		System.out.printf("%s tokens=%d millis=%d maxHeap=%d bound=%d weight=%d maxWeight=%d maxWeightBeforeCleanUp=%d"
				+ " entries=%d retainedHeap=%d regularMisses=%d%n", RESULT, count, millis,
				Runtime.getRuntime().maxMemory(), bound, verifier.cacheWeight(), maxWeightAfterMaintenance,
				maxWeightBeforeMaintenance, verifier.cache().estimatedSize(), retained, regularMisses);
		return 0;
	}

	private static long usedHeapAfterGc() {
		System.gc();
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
