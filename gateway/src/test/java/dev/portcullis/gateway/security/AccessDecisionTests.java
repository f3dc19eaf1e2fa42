package dev.portcullis.gateway.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** The access check as a plain function of route, path and headers: no exchange, no server. */
class AccessDecisionTests {

	private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

	private static final String ACCESS = "__Host-access_token";

	private static final String REFRESH = "__Secure-refresh_token";

	private static final RSAKey KEY = TestKeys.rsa("k1");

	private final AccessDecision decision = new AccessDecision(ACCESS,
			new AccessTokenVerifier(SigningKeySource.of(TestKeys.signingKeys(KEY)), AccessTokenVerifierTests.settings(),
					MutableClock.frozenAt(NOW)),
			new RevocationList(Duration.ofSeconds(30)), new RoutePolicy(List.of("/open/**")), List.of("X-Tenant"),
			List.of(ACCESS, REFRESH), DecisionMeter.off());

	private static final Route PROTECTED = route(Map.of());

	private static Route route(Map<String, Object> metadata) {
		return Route.async().id("r").uri("http://upstream").predicate((exchange) -> true).metadata(metadata).build();
	}

	private static HttpHeaders headers(String... pairs) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i < pairs.length; i += 2) {
			headers.add(pairs[i], pairs[i + 1]);
		}
		return headers;
	}

	private static String code(Throwable ex) {
		return ((TokenRejectedException) ex).code();
	}

	@Test
	void requestWithoutCookieIsRefusedWithTokenMissing() {
		StepVerifier.create(this.decision.admit(PROTECTED, false, headers()))
			.expectErrorSatisfies((ex) -> assertThat(code(ex)).isEqualTo("token_missing"))
			.verify();
	}

	@Test
	void accessCookieSentTwiceIsRefusedWithTokenInvalid() {
		String token = TestTokens.accessToken(KEY, NOW).sign();
		HttpHeaders twice = headers("Cookie", ACCESS + "=" + token, "Cookie", ACCESS + "=" + token);

		StepVerifier.create(this.decision.admit(PROTECTED, false, twice))
			.expectErrorSatisfies((ex) -> assertThat(code(ex)).isEqualTo("token_invalid"))
			.verify();
	}

	@Test
	void tokenWhoseHeaderIsJsonNullIsRefusedWithTokenInvalid() {
		StepVerifier.create(this.decision.admit(PROTECTED, false, headers("Cookie", ACCESS + "=bnVsbA.e30.AAAAAAAAAA")))
			.expectErrorSatisfies((ex) -> assertThat(code(ex)).isEqualTo("token_invalid"))
			.verify();
		StepVerifier.create(this.decision.admit(PROTECTED, false, headers("Cookie", ACCESS + "=e30.bnVsbA.AAAAAAAAAA")))
			.expectErrorSatisfies((ex) -> assertThat(code(ex)).isEqualTo("token_invalid"))
			.verify();
	}

	@Test
	void validCookieIsAdmittedWithTheVerifiedIdentityUpstreamAndSpoofedHeadersGone() {
		String token = TestTokens.accessToken(KEY, NOW).sign();
		HttpHeaders sent = headers("Cookie", "theme=dark; " + ACCESS + "=" + token + "; " + REFRESH + "=r", "X_User_Id",
				"admin", "x-user-roles", "admin", "X-Tenant", "other", "Connection", "X-User-Id, keep-alive");

		AccessDecision.Admission admission = this.decision.admit(PROTECTED, false, sent).block(Duration.ofSeconds(5));
		HttpHeaders upstream = this.decision.upstreamHeaders(sent, PROTECTED, admission);

		assertThat(upstream.getFirst("X-User-Id")).isEqualTo(admission.access().userId()).isNotEqualTo("admin");
		assertThat(upstream.get("X-User-Roles")).containsExactly(String.join(",", admission.access().roles()));
		assertThat(upstream.containsHeader("X_User_Id")).isFalse();
		assertThat(upstream.containsHeader("X-Tenant")).isFalse();
		assertThat(upstream.get("Cookie")).containsExactly("theme=dark");
		assertThat(upstream.get("Connection")).containsExactly("keep-alive");
	}

	@Test
	void publicPathIsAdmittedWithoutTokenAndWithoutIdentity() {
		HttpHeaders sent = headers("X-User-Id", "admin", "Cookie", ACCESS + "=stale");

		assertThat(this.decision.isPublic(PROTECTED, "/open/page")).isTrue();
		assertThat(this.decision.isPublic(PROTECTED, "/api/page")).isFalse();
		AccessDecision.Admission admission = this.decision.admit(PROTECTED, true, sent).block(Duration.ofSeconds(5));
		HttpHeaders upstream = this.decision.upstreamHeaders(sent, PROTECTED, admission);

		assertThat(admission.access()).isNull();
		assertThat(upstream.containsHeader("X-User-Id")).isFalse();
		assertThat(upstream.containsHeader("Cookie")).isFalse();
	}

}
