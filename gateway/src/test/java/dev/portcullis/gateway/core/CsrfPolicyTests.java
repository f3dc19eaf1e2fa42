package dev.portcullis.gateway.core;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

class CsrfPolicyTests {

	private final CsrfPolicy policy = new CsrfPolicy(List.of("https://app.example.com"), Set.of("same-origin"));

	private static HttpHeaders headers(String... pairs) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i < pairs.length; i += 2) {
			headers.add(pairs[i], pairs[i + 1]);
		}
		return headers;
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PUT", "PATCH", "DELETE" })
	void unsafeMethodWithoutOriginOrFetchSiteIsRefusedWithCsrfRejected(String method) {
		assertThat(this.policy.checkUnsafe(HttpMethod.valueOf(method), headers())).isNotNull()
			.satisfies((refusal) -> assertThat(refusal.code()).isEqualTo("csrf_rejected"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD", "OPTIONS" })
	void safeMethodPassesWithoutOrigin(String method) {
		assertThat(this.policy.checkUnsafe(HttpMethod.valueOf(method), headers())).isNull();
	}

	@Test
	void unsafeMethodFromAllowedOriginOrSameOriginFetchPasses() {
		assertThat(this.policy.checkUnsafe(HttpMethod.POST, headers("Origin", "https://app.example.com"))).isNull();
		assertThat(this.policy.checkUnsafe(HttpMethod.POST, headers("Sec-Fetch-Site", "same-origin"))).isNull();
	}

	@Test
	void unsafeMethodFromOtherSiteIsRefused() {
		assertThat(this.policy.checkUnsafe(HttpMethod.POST,
				headers("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")))
			.isNotNull();
	}

	@Test
	void upgradeToProtectedRouteFromOtherOriginIsRefused() {
		HttpHeaders upgrade = headers("Upgrade", "websocket", "Origin", "https://evil.example");

		assertThat(this.policy.checkUpgrade(upgrade, false)).isNotNull();
		assertThat(this.policy.checkUpgrade(upgrade, true)).as("public route").isNull();
		assertThat(this.policy.checkUpgrade(headers("Upgrade", "websocket"), false)).as("no Origin").isNotNull();
		assertThat(this.policy.checkUpgrade(headers("Upgrade", "WebSocket", "Origin", "https://app.example.com"), false))
			.isNull();
		assertThat(this.policy.checkUpgrade(headers("Origin", "https://evil.example"), false)).as("no upgrade").isNull();
	}

}
