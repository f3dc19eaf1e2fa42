package dev.portcullis.auth.token;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import dev.portcullis.testsupport.HostileTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Every hostile access token is refused by the endpoints that need a user, with the right code. */
@AuthServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileAccessTokenTests {

	@Autowired
	WebTestClient client;

	@Autowired
	KeyRing keyRing;

	@Autowired
	AuthProperties properties;

	@Autowired
	MutableClock clock;

	HostileTokens tokens;

	Stream<HostileTokens.Case> cases() {
		AuthClient auth = new AuthClient(this.client);
		AuthClient.Tokens session = auth.newSession();
		Map<?, ?> me = auth.get("/auth/me", session).exchange().expectBody(Map.class).returnResult().getResponseBody();
		String sessionId = auth.get("/auth/sessions", session).exchange().expectBodyList(Map.class).returnResult()
			.getResponseBody().get(0).get("id").toString();
		RSAKey signing = this.keyRing.current()
			.map((keys) -> keys.signingKey(this.clock.instant()).orElseThrow().jwk())
			.block(Duration.ofSeconds(30));
		this.tokens = new HostileTokens(signing, this.properties.issuer(), this.properties.audience(), me.get("id").toString(),
				sessionId);
		List<HostileTokens.Case> cases = this.tokens.cases();
		assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
		return cases.stream();
	}

	@Test
	void meWhenTokenBuiltLikeTheHostileOnesButValidThenOk() {
		cases();
		this.client.get().uri("/auth/me").cookie(AuthClient.ACCESS, this.tokens.valid()).exchange().expectStatus().isOk();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void meWhenHostileTokenThenUnauthorizedWithItsCode(HostileTokens.Case hostile) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri("/auth/me");
		request.header("Cookie", hostile.cookieValues().stream().map((value) -> AuthClient.ACCESS + "=" + value)
			.reduce((a, b) -> a + "; " + b).orElseThrow());
		request.exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.code").isEqualTo(hostile.expectedCode());
	}

	@Test
	void refreshWhenAccessTokenPresentedAsRefreshTokenThenInvalidRefresh() {
		cases();
		this.client.post().uri("/auth/refresh").cookie(AuthClient.REFRESH, this.tokens.valid()).exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

}
