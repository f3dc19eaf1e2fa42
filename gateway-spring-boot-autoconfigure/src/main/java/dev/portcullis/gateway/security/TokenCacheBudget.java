package dev.portcullis.gateway.security;

import java.util.Locale;

import dev.portcullis.gateway.config.GatewayProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * How many bytes of heap the verified-token cache may hold, decided once at start-up from the
 * settings and the heap the JVM runs in ({@code Runtime.maxMemory()}).
 *
 * <p>By default an eighth of the max heap: 12 MiB of the shipped 96 MiB, about 10 000 RS256
 * tokens. A token not in the cache costs one signature check, not an error, so the cache may be
 * smaller than the live token count; a heap it overflows costs the process. A configured
 * {@code token-cache.max-weight} may take up to a quarter of the heap; anything more is refused
 * with how to fix it, rather than left to end in an {@link OutOfMemoryError} under load.
 * The deprecated {@code cache-size} (an entry count) is converted at
 * {@value #BYTES_PER_LEGACY_ENTRY} bytes a token and checked the same way.
 */
final class TokenCacheBudget {

	private static final Log logger = LogFactory.getLog(TokenCacheBudget.class);

	/** Share of the max heap taken by default. */
	static final int DEFAULT_HEAP_DIVISOR = 8;

	/** Largest share of the max heap a configured budget may take. */
	static final int MAX_HEAP_DIVISOR = 4;

	/** An RS256 token as the auth service issues it, measured (see {@link TokenCacheWeight}). */
	static final long BYTES_PER_LEGACY_ENTRY = 1200;

	private TokenCacheBudget() {
	}

	/**
	 * The cache's weight bound.
	 * @param properties the gateway's settings
	 * @param maxHeap the JVM's max heap, bytes
	 * @return bytes
	 * @throws IllegalStateException when the configured budget does not fit the heap
	 */
	static long maxWeight(GatewayProperties properties, long maxHeap) {
		long limit = maxHeap / MAX_HEAP_DIVISOR;
		if (properties.cacheSize() != null) {
			long converted = Math.multiplyExact(properties.cacheSize(), BYTES_PER_LEGACY_ENTRY);
			if (converted > limit) {
				throw new IllegalStateException("portcullis.gateway.cache-size=" + properties.cacheSize()
						+ " needs about " + mib(converted) + " of heap (" + BYTES_PER_LEGACY_ENTRY
						+ " bytes a token), more than the quarter of this JVM's max heap (" + mib(maxHeap)
						+ ") the token cache may take: remove cache-size (deprecated) to size the cache from the heap,"
						+ " or set portcullis.gateway.token-cache.max-weight to at most " + mib(limit));
			}
			logger.warn("portcullis.gateway.cache-size is deprecated: read as token-cache.max-weight=" + converted
					+ "B; set that instead");
			return converted;
		}
		if (properties.tokenCache().maxWeight() == null) {
			return maxHeap / DEFAULT_HEAP_DIVISOR;
		}
		long configured = properties.tokenCache().maxWeight().toBytes();
		if (configured > limit) {
			throw new IllegalStateException("portcullis.gateway.token-cache.max-weight="
					+ mib(configured) + " does not fit this JVM: its max heap is " + mib(maxHeap)
					+ " and the token cache may take at most a quarter of it (" + mib(limit) + "). Lower"
					+ " token-cache.max-weight, leave it unset for an eighth of the heap, or raise -Xmx to at least "
					+ mib(Math.multiplyExact(configured, (long) MAX_HEAP_DIVISOR)));
		}
		return configured;
	}

	private static String mib(long bytes) {
		return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
	}

}
