package dev.portcullis.gateway.security;

import java.util.HashMap;
import java.util.Map;

import dev.portcullis.gateway.config.GatewayProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TokenCacheBudgetTests {

	private static final long HEAP_96_MIB = 96L << 20;

	private static GatewayProperties bind(Map<String, String> extra) {
		Map<String, String> source = new HashMap<>(Map.of("portcullis.gateway.jwks-uri", "http://auth/jwks.json",
				"portcullis.gateway.revocation.feed-uri", "http://auth/internal/revocations"));
		source.putAll(extra);
		return new Binder(new MapConfigurationPropertySource(source)).bindOrCreate("portcullis.gateway",
				GatewayProperties.class);
	}

	@Test
	void maxWeightWhenNothingSetThenEighthOfHeap() {
		assertThat(TokenCacheBudget.maxWeight(bind(Map.of()), HEAP_96_MIB)).isEqualTo(12L << 20);
	}

	@Test
	void maxWeightWhenConfiguredWithinQuarterOfHeapThenUsed() {
		assertThat(TokenCacheBudget.maxWeight(bind(Map.of("portcullis.gateway.token-cache.max-weight", "24MB")),
				HEAP_96_MIB))
			.isEqualTo(24L << 20);
	}

	@Test
	void maxWeightWhenConfiguredBeyondQuarterOfHeapThenRefusedWithHowToFix() {
		GatewayProperties properties = bind(Map.of("portcullis.gateway.token-cache.max-weight", "120MB"));
		assertThatIllegalStateException().isThrownBy(() -> TokenCacheBudget.maxWeight(properties, HEAP_96_MIB))
			.withMessageContaining("portcullis.gateway.token-cache.max-weight=120.0 MiB does not fit")
			.withMessageContaining("at most a quarter of it (24.0 MiB)")
			.withMessageContaining("raise -Xmx to at least 480.0 MiB");
	}

	@Test
	void maxWeightWhenLegacyCacheSizeFitsThenConvertedAtMeasuredWeight() {
		assertThat(TokenCacheBudget.maxWeight(bind(Map.of("portcullis.gateway.cache-size", "10000")), HEAP_96_MIB))
			.isEqualTo(10_000 * TokenCacheBudget.BYTES_PER_LEGACY_ENTRY);
	}

	@Test
	void maxWeightWhenLegacyCacheSizeOutgrowsHeapThenRefusedWithHowToFix() {
		// the former default: 100 000 tokens need ~114 MiB, more than the whole shipped heap
		GatewayProperties properties = bind(Map.of("portcullis.gateway.cache-size", "100000"));
		assertThatIllegalStateException().isThrownBy(() -> TokenCacheBudget.maxWeight(properties, HEAP_96_MIB))
			.withMessageContaining("portcullis.gateway.cache-size=100000 needs about 114.4 MiB")
			.withMessageContaining("remove cache-size");
	}

}
