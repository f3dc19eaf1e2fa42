package dev.portcullis.gateway.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import dev.portcullis.testsupport.MutableClock;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class AccessCheckFilterTests {

	private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

	private static final String ACCESS = "__Host-access_token";

	private static final String REFRESH = "__Secure-refresh_token";

	private static RSAKey key;

	private final AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();

	private final GatewayFilterChain chain = (exchange) -> {
		this.forwarded.set(exchange);
		return Mono.empty();
	};

	private final RevocationList revocations = new RevocationList(Duration.ofSeconds(30));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AccessCheckFilter filter = new AccessCheckFilter(new AccessTokenConverter(ACCESS),
			new AccessTokenVerifier(SigningKeySource.of(TestKeys.signingKeys(key)), AccessTokenVerifierTests.settings(),
					MutableClock.frozenAt(NOW)),
			this.revocations, new RoutePolicy(List.of("/open/**")), List.of("X-Tenant"), List.of(ACCESS, REFRESH),
			DecisionMeter.on(this.registry, List.of("r")));

	@BeforeAll
	static void generateKey() {
		key = TestKeys.rsa("k1");
	}

	private static String validToken() {
		return TestTokens.accessToken(key, NOW).sign();
	}

	private static Route route(Map<String, Object> metadata) {
		return Route.async().id("r").uri("http://upstream").predicate((exchange) -> true).metadata(metadata).build();
	}

	private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request, Route route) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		return exchange;
	}

	/** Sends cookies as a browser does; the mock request does not parse its Cookie header. */
	private static MockServerHttpRequest.BaseBuilder<?> withCookies(MockServerHttpRequest.BaseBuilder<?> request,
			String header) {
		request.header(HttpHeaders.COOKIE, header);
		for (String pair : header.split("; ")) {
			int eq = pair.indexOf('=');
			request.cookie(new HttpCookie(pair.substring(0, eq), pair.substring(eq + 1)));
		}
		return request;
	}

	private double decisions(String outcome) {
		return this.registry.get(DecisionMeter.NAME).tags("outcome", outcome, "route", "r").counter().count();
	}

	private HttpHeaders forwardedHeaders() {
		assertThat(this.forwarded.get()).as("request forwarded upstream").isNotNull();
		return this.forwarded.get().getRequest().getHeaders();
	}

	@Test
	void filterWhenNoCookieThenTokenMissing() {
		StepVerifier.create(this.filter.filter(exchange(MockServerHttpRequest.get("/api/x"), route(Map.of())), this.chain))
			.expectErrorSatisfies((ex) -> assertThat(((TokenRejectedException) ex).code()).isEqualTo("token_missing"))
			.verify();
		assertThat(this.forwarded.get()).isNull();
	}

	@Test
	void filterWhenValidThenCountedAllowedForItsRoute() {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + validToken()),
				route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		assertThat(decisions("allowed")).isEqualTo(1);
		assertThat(decisions("public")).isZero();
	}

	@Test
	void filterWhenPublicRouteThenCountedPublic() {
		StepVerifier.create(this.filter.filter(exchange(MockServerHttpRequest.get("/login"), route(Map.of("public", true))),
				this.chain))
			.verifyComplete();
		assertThat(decisions("public")).isEqualTo(1);
		assertThat(decisions("allowed")).isZero();
	}

	@Test
	void filterWhenRefusedThenNotCountedHere() {
		StepVerifier.create(this.filter.filter(exchange(MockServerHttpRequest.get("/api/x"), route(Map.of())), this.chain))
			.expectError(TokenRejectedException.class)
			.verify();
		// the refusal is counted where it becomes HTTP, once
		assertThat(this.registry.get(DecisionMeter.NAME).counters()).allSatisfy((counter) -> assertThat(counter.count()).isZero());
	}

	@Test
	void filterWhenCookieEmptyThenTokenMissing() {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "="),
				route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain))
			.expectErrorSatisfies((ex) -> assertThat(((TokenRejectedException) ex).code()).isEqualTo("token_missing"))
			.verify();
	}

	@Test
	void filterWhenCookieSentTwiceThenTokenInvalid() {
		String token = validToken();
		MockServerWebExchange exchange = exchange(
				withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + token + "; " + ACCESS + "=" + token),
				route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain))
			.expectErrorSatisfies((ex) -> assertThat(((TokenRejectedException) ex).code()).isEqualTo("token_invalid"))
			.verify();
	}

	@Test
	void filterWhenValidThenForwardsVerifiedIdentityInsteadOfClientHeaders() {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + validToken() + "; theme=dark; " + REFRESH + "=opaque")
			.header("X-User-Id", "spoofed")
			.header("x-user-email", "evil@example.com")
			.header("X-Session-Id", "spoofed")
			.header("X-Tenant", "spoofed")
			.header("X-Request-Id", "kept"), route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		HttpHeaders headers = forwardedHeaders();
		assertThat(headers.get("X-User-Id")).containsExactly(TestTokens.USER_ID);
		assertThat(headers.get("X-Session-Id")).containsExactly(TestTokens.SESSION_ID);
		assertThat(headers.get("X-User-Roles")).containsExactly("user");
		assertThat(headers.containsHeader("X-User-Email")).isFalse();
		assertThat(headers.containsHeader("X-Tenant")).isFalse();
		assertThat(headers.getFirst("X-Request-Id")).isEqualTo("kept");
		assertThat(headers.get(HttpHeaders.COOKIE)).containsExactly("theme=dark");
		assertThat(headers.containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "X_User_Id", "x_user_roles", "X-User_Email", "X_SESSION_ID", "x_tenant" })
	void filterWhenIdentityHeaderSpelledWithUnderscoresThenStripped(String spoofed) {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + validToken())
			.header(spoofed, "spoofed")
			.header("X_Request_Id", "kept"), route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		HttpHeaders headers = forwardedHeaders();
		assertThat(headers.containsHeader(spoofed)).isFalse();
		assertThat(headers.getFirst("X_Request_Id")).isEqualTo("kept");
	}

	@ParameterizedTest(name = "[{0}] -> [{1}]")
	@CsvSource(delimiter = '|', nullValues = "-", value = {
			"keep-alive | keep-alive",
			"X-User-Id | -",
			"keep-alive, X-User-Id, X-Trace | keep-alive, X-Trace",
			"X-Trace,x_tenant , Cookie,Authorization | X-Trace",
			"X-Trace, x_user_roles,X-SESSION-ID, upgrade | X-Trace, upgrade",
			"X-User-Email, keep-alive | keep-alive" })
	void filterWhenConnectionNamesProtectedHeadersThenThoseNamesRemoved(String connection, String expected) {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + validToken())
			.header(HttpHeaders.CONNECTION, connection), route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		HttpHeaders headers = forwardedHeaders();
		if (expected == null) {
			assertThat(headers.containsHeader(HttpHeaders.CONNECTION)).isFalse();
		}
		else {
			assertThat(headers.get(HttpHeaders.CONNECTION)).containsExactly(expected);
		}
	}

	@Test
	void filterWhenValidThenExposesVerifiedAccessToLaterSteps() {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + validToken()),
				route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		VerifiedAccess access = this.forwarded.get().getAttribute(VerifiedAccess.ATTRIBUTE);
		assertThat(access).isNotNull();
		assertThat(access.userId()).isEqualTo(TestTokens.USER_ID);
		assertThat(access.expiresAtMillis()).isEqualTo(NOW.plusSeconds(900).toEpochMilli());
	}

	@Test
	void filterWhenPublicRouteThenNoVerifiedAccess() {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/open/x"), ACCESS + "=" + validToken()),
				route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		assertThat(this.forwarded.get().<VerifiedAccess>getAttribute(VerifiedAccess.ATTRIBUTE)).isNull();
	}

	@Test
	void filterWhenHeaderRepeatedThenEveryValueForwardedInOrder() {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + validToken())
			.header("Accept-Language", "de", "en;q=0.5")
			.header("X-Trace", "a")
			.header("x-trace", "b"), route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		HttpHeaders headers = forwardedHeaders();
		assertThat(headers.get("accept-language")).containsExactly("de", "en;q=0.5");
		assertThat(headers.get("X-TRACE")).containsExactly("a", "b");
		assertThat(headers.get("x-user-id")).containsExactly(TestTokens.USER_ID);
	}

	@Test
	void filterWhenOnlyAuthCookiesThenNoCookieHeaderUpstream() {
		MockServerWebExchange exchange = exchange(
				withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + validToken()), route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		assertThat(forwardedHeaders().containsHeader(HttpHeaders.COOKIE)).isFalse();
	}

	@Test
	void filterWhenRouteForwardsTokenThenBearerReplacesClientAuthorization() {
		String token = validToken();
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + token)
			.header("Authorization", "Bearer forged"), route(Map.of(RoutePolicy.FORWARD_TOKEN, true)));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		assertThat(forwardedHeaders().get(HttpHeaders.AUTHORIZATION)).containsExactly("Bearer " + token);
	}

	@Test
	void filterWhenPublicRouteThenPassesWithoutTokenButStripsIdentity() {
		MockServerWebExchange exchange = exchange(withCookies(MockServerHttpRequest.get("/auth/login"), ACCESS + "=garbage; lang=en")
			.header("X-User-Id", "spoofed")
			.header("X-User-Roles", "admin"), route(Map.of(RoutePolicy.PUBLIC, "true")));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		HttpHeaders headers = forwardedHeaders();
		assertThat(headers.containsHeader("X-User-Id")).isFalse();
		assertThat(headers.containsHeader("X-User-Roles")).isFalse();
		assertThat(headers.get(HttpHeaders.COOKIE)).containsExactly("lang=en");
	}

	@Test
	void filterWhenPublicPathThenPassesWithoutToken() {
		MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/open/docs"), route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		assertThat(this.forwarded.get()).isNotNull();
	}

	@Test
	void filterWhenRouteForwardsAuthCookiesThenCookiesKept() {
		MockServerWebExchange exchange = exchange(
				withCookies(MockServerHttpRequest.get("/auth/refresh"), REFRESH + "=opaque; lang=en"),
				route(Map.of(RoutePolicy.PUBLIC, true, RoutePolicy.FORWARD_AUTH_COOKIES, true)));
		StepVerifier.create(this.filter.filter(exchange, this.chain)).verifyComplete();
		assertThat(forwardedHeaders().get(HttpHeaders.COOKIE)).containsExactly(REFRESH + "=opaque; lang=en");
	}

	@Test
	void filterWhenTokenInvalidThenNotForwarded() {
		MockServerWebExchange exchange = exchange(
				withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + TestTokens.unsecured(key)),
				route(Map.of()));
		StepVerifier.create(this.filter.filter(exchange, this.chain))
			.expectErrorSatisfies((ex) -> assertThat(((TokenRejectedException) ex).code()).isEqualTo("token_invalid"))
			.verify();
		assertThat(this.forwarded.get()).isNull();
	}

	private void revoke(String kind, String subject, Instant at) {
		this.revocations.apply(new RevocationEvent(1, kind, subject, at.toEpochMilli(),
				NOW.plusSeconds(900).toEpochMilli()));
	}

	private MockServerWebExchange protectedRequest(String token) {
		return exchange(withCookies(MockServerHttpRequest.get("/api/x"), ACCESS + "=" + token), route(Map.of()));
	}

	private void expectRevoked(String token) {
		this.forwarded.set(null);
		StepVerifier.create(this.filter.filter(protectedRequest(token), this.chain))
			.expectErrorSatisfies((ex) -> {
				TokenRejectedException rejected = (TokenRejectedException) ex;
				// status and WWW-Authenticate are the handler's: RevocationIntegrationTests checks the answer
				assertThat(rejected.code()).isEqualTo("session_revoked");
				assertThat(rejected.detail()).isEqualTo("The session has ended");
			})
			.verify();
		assertThat(this.forwarded.get()).isNull();
	}

	private void expectForwarded(String token) {
		this.forwarded.set(null);
		StepVerifier.create(this.filter.filter(protectedRequest(token), this.chain)).verifyComplete();
		assertThat(this.forwarded.get()).isNotNull();
	}

	@Test
	void filterWhenCachedTokenThenSessionRevokedThenSessionRevoked() {
		String token = validToken();
		expectForwarded(token);
		revoke(RevocationEvent.SESSION, TestTokens.SESSION_ID, NOW);
		expectRevoked(token);
	}

	@Test
	void filterWhenOtherSessionRevokedThenForwarded() {
		revoke(RevocationEvent.SESSION, "11111111-2222-3333-4444-555555555555", NOW);
		expectForwarded(validToken());
	}

	@Test
	void filterWhenCachedTokenIssuedBeforeUserNotBeforeThenSessionRevoked() {
		String token = validToken();
		expectForwarded(token);
		revoke(RevocationEvent.USER, TestTokens.USER_ID, NOW.plusMillis(1));
		expectRevoked(token);
	}

	@Test
	void filterWhenTokenIssuedAfterUserNotBeforeThenForwarded() {
		revoke(RevocationEvent.USER, TestTokens.USER_ID, NOW.minusSeconds(1));
		expectForwarded(validToken());
	}

	@Test
	void filterWhenCachedTokenSignedByWithdrawnKeyThenKeyWithdrawnNotSessionRevoked() {
		String token = validToken();
		expectForwarded(token);
		revoke(RevocationEvent.KEY, key.getKeyID(), NOW);
		expectRefused(token, "key_withdrawn");
	}

	/** No refresh can help an ended session: that answer wins over the withdrawn key. */
	@Test
	void filterWhenKeyWithdrawnAndSessionRevokedThenSessionRevoked() {
		String token = validToken();
		revoke(RevocationEvent.KEY, key.getKeyID(), NOW);
		revoke(RevocationEvent.SESSION, TestTokens.SESSION_ID, NOW);
		expectRevoked(token);
	}

	@Test
	void filterWhenRevocationsDroppedAtBoundAndTokenIssuedBeforeThemThenExpiredSoClientRefreshes() {
		for (int i = 0; i <= RevocationList.DEFAULT_MAX_ENTRIES; i++) {
			revoke(RevocationEvent.SESSION, new java.util.UUID(0, i).toString(), NOW);
		}
		assertThat(this.revocations.dropped()).isEqualTo(1);
		this.forwarded.set(null);
		StepVerifier.create(this.filter.filter(protectedRequest(validToken()), this.chain))
			.expectErrorSatisfies((ex) -> assertThat(((TokenRejectedException) ex).code()).isEqualTo("token_expired"))
			.verify();
		assertThat(this.forwarded.get()).isNull();
		expectForwarded(TestTokens.accessToken(key, NOW.plusSeconds(1)).sign());
	}

	/** A kid the JWK Set never had, and the feed never withdrew, stays invalid. */
	@Test
	void filterWhenUnknownKidNotWithdrawnThenTokenInvalid() {
		revoke(RevocationEvent.KEY, "k-other", NOW);
		expectRefused(TestTokens.accessToken(TestKeys.rsa("k-unknown"), NOW).sign(), "token_invalid");
	}

	@Test
	void filterWhenUnknownKidWithdrawnThenKeyWithdrawn() {
		RSAKey gone = TestKeys.rsa("k-gone");
		revoke(RevocationEvent.KEY, gone.getKeyID(), NOW);
		expectRefused(TestTokens.accessToken(gone, NOW).sign(), "key_withdrawn");
	}

	private void expectRefused(String token, String code) {
		this.forwarded.set(null);
		StepVerifier.create(this.filter.filter(protectedRequest(token), this.chain))
			.expectErrorSatisfies((ex) -> assertThat(((TokenRejectedException) ex).code()).isEqualTo(code))
			.verify();
		assertThat(this.forwarded.get()).isNull();
	}

}
