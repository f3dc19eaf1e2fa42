package dev.portcullis.e2e;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import reactor.netty.http.client.HttpClient;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole user journey through a real gateway: register, login, a proxied call, refusals
 * (missing, forged, expired), refresh, theft detection by replay, logout, logout-all. Shared by
 * the PostgreSQL and embedded runs, and by the run through a team's own gateway.
 */
final class EndToEndFlow {

	static final String ACCESS = "__Host-access_token";

	static final String REFRESH = "__Secure-refresh_token";

	static final String ORIGIN = "http://app.test";

	static final String PASSWORD = "correct horse battery staple";

	/**
	 * How long access tokens live: long enough for the steps between a login and the calls that
	 * need its token unexpired, on a busy machine too, and short enough to wait for expiry.
	 */
	static final Duration ACCESS_TTL = Duration.ofSeconds(6);

	/** Access tokens live {@link #ACCESS_TTL}, the refresh grace window 1 s, and the gateway allows no clock skew. */
	static final List<String> AUTH_ARGS = List.of("--portcullis.auth.access-token-ttl=" + ACCESS_TTL.toSeconds() + "s",
			"--portcullis.auth.refresh-grace=1s");

	static final List<String> GATEWAY_ARGS = List.of("--portcullis.gateway.clock-skew=0s",
			"--portcullis.gateway.cors.allowed-origins=" + ORIGIN);

	private final WebTestClient client;

	/** Every secret the journey handled, to look for in the logs afterwards. */
	final java.util.Set<String> secrets = new java.util.LinkedHashSet<>();

	/**
	 * Where the journey's requests come from: another loopback address than the one the gateway
	 * connects to the auth service from (127.0.0.1), so the session list can tell them apart.
	 */
	static final String CLIENT_ADDRESS = "127.0.0.2";

	/** Where the gateway under test routes to the upstream's {@code /orders}. */
	private final String orders;

	EndToEndFlow(Portcullis portcullis) {
		this.orders = portcullis.gatewayApp.ordersPath;
		HttpClient fromClientAddress = HttpClient.create().bindAddress(() -> new InetSocketAddress(CLIENT_ADDRESS, 0));
		this.client = WebTestClient.bindToServer(new ReactorClientHttpConnector(fromClientAddress))
			.baseUrl(portcullis.gateway())
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	void run() throws InterruptedException {
		String email = "e2e-" + System.nanoTime() + "@example.org";
		this.secrets.add(PASSWORD);
		post("/auth/register").bodyValue(Map.of("email", email, "password", PASSWORD)).exchange().expectStatus().isCreated();

		Cookies login = login(email);
		assertLoginCookies(login);
		String userId = me(login);

		// the session list names the client's own address: not the gateway's, nor one the client sent
		assertThat(currentSession(login)).containsEntry("clientIp", CLIENT_ADDRESS);

		// the upstream sees who the user is, never the auth cookies, and still gets its own cookies
		this.client.get().uri(this.orders).cookie(ACCESS, login.access()).cookie(REFRESH, login.refresh())
			.cookie("theme", "dark").header("X-User-Id", "spoofed-admin")
			.exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.path").isEqualTo("/orders")
			.jsonPath("$.identity['X-User-Id']").isEqualTo(userId)
			.jsonPath("$.headers['X-User-Id'].length()").isEqualTo(1)
			.jsonPath("$.cookies.theme[0]").isEqualTo("dark")
			.jsonPath("$.cookies['" + ACCESS + "']").doesNotExist()
			.jsonPath("$.cookies['" + REFRESH + "']").doesNotExist();

		// no cookie, or one that is not a token this auth service signed: refused, each with its code
		expectRefused(this.client.get().uri(this.orders), "token_missing");
		expectRefused(this.client.get().uri(this.orders).cookie(ACCESS, forged(login.access())), "token_invalid");

		// the access token expires: the gateway says so, the single-page app refreshes
		Thread.sleep(ACCESS_TTL.plusSeconds(1).toMillis());
		this.client.get().uri(this.orders).cookie(ACCESS, login.access()).exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("token_expired");
		Cookies refreshed = refresh(login.refresh());
		assertThat(refreshed.refresh()).isNotEqualTo(login.refresh());
		this.client.get().uri(this.orders).cookie(ACCESS, refreshed.access()).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.identity['X-User-Id']").isEqualTo(userId);

		// the old refresh token replayed after the grace window: theft, the whole session ends
		Thread.sleep(1500);
		post("/auth/refresh").cookie(REFRESH, login.refresh()).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
		post("/auth/refresh").cookie(REFRESH, refreshed.refresh()).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");

		// logout ends the session at the gateway too, while its access token has not expired yet
		Cookies leaving = login(email);
		post("/auth/logout").cookie(ACCESS, leaving.access()).cookie(REFRESH, leaving.refresh()).exchange()
			.expectStatus().isNoContent();
		assertThat(untilRefused(leaving.access())).as("the revoked session's access token, before its expiry")
			.isEqualTo("session_revoked");

		// two fresh sessions; logout-all from one ends the other
		Cookies first = login(email);
		Cookies second = login(email);
		post("/auth/logout-all").cookie(ACCESS, first.access()).exchange().expectStatus().isNoContent();
		post("/auth/refresh").cookie(REFRESH, second.refresh()).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
	}

	/** None of the journey's secrets, nor the auth service's master secret, in {@code logs}. */
	void assertNoSecretsIn(String logs) {
		assertThat(logs).as("the apps logged something").isNotBlank();
		assertThat(this.secrets).hasSizeGreaterThan(4);
		for (String secret : this.secrets) {
			assertThat(logs).as("logs must not contain a token, cookie value or password").doesNotContain(secret);
		}
		assertThat(logs).doesNotContain(Portcullis.MASTER_SECRET);
	}

	private static void expectRefused(WebTestClient.RequestHeadersSpec<?> request, String code) {
		request.exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo(code);
	}

	/** The token with one character of its payload changed: what a client who edited its claims would send. */
	private static String forged(String token) {
		String[] parts = token.split("\\.");
		int middle = parts[1].length() / 2;
		char edited = (parts[1].charAt(middle) == 'A') ? 'B' : 'A';
		parts[1] = parts[1].substring(0, middle) + edited + parts[1].substring(middle + 1);
		return String.join(".", parts);
	}

	/**
	 * Calls the upstream with {@code access} until the gateway refuses it (the revocation feed
	 * has told it), at most for the token's lifetime; the refusal's code.
	 */
	private String untilRefused(String access) throws InterruptedException {
		long deadline = System.nanoTime() + ACCESS_TTL.toNanos();
		while (true) {
			EntityExchangeResult<Map> result = this.client.get().uri(this.orders).cookie(ACCESS, access).exchange()
				.expectBody(Map.class).returnResult();
			if (result.getStatus().value() != 200) {
				assertThat(result.getStatus().value()).isEqualTo(401);
				return String.valueOf(result.getResponseBody().get("code"));
			}
			assertThat(System.nanoTime()).as("refused within the access token's lifetime").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private Cookies login(String email) {
		EntityExchangeResult<byte[]> result = post("/auth/login").header("X-Forwarded-For", "203.0.113.9")
			.bodyValue(Map.of("email", email, "password", PASSWORD))
			.exchange().expectStatus().isOk().expectBody().returnResult();
		return cookies(result.getResponseCookies());
	}

	private Cookies refresh(String refreshToken) {
		EntityExchangeResult<byte[]> result = post("/auth/refresh").cookie(REFRESH, refreshToken).exchange()
			.expectStatus().isOk().expectBody().returnResult();
		return cookies(result.getResponseCookies());
	}

	private String me(Cookies cookies) {
		return this.client.get().uri("/auth/me").cookie(ACCESS, cookies.access()).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
	}

	private Map<String, Object> currentSession(Cookies cookies) {
		List<Map<String, Object>> sessions = this.client.get().uri("/auth/sessions").cookie(ACCESS, cookies.access())
			.exchange().expectStatus().isOk()
			.expectBodyList(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult().getResponseBody();
		return sessions.stream().filter((session) -> Boolean.TRUE.equals(session.get("current"))).findFirst().orElseThrow();
	}

	private WebTestClient.RequestBodySpec post(String path) {
		return this.client.post().uri(path).header("Origin", ORIGIN).contentType(MediaType.APPLICATION_JSON);
	}

	private Cookies cookies(MultiValueMap<String, ResponseCookie> set) {
		Cookies cookies = new Cookies(set.getFirst(ACCESS), set.getFirst(REFRESH));
		this.secrets.add(cookies.access());
		this.secrets.add(cookies.refresh());
		return cookies;
	}

	private static void assertLoginCookies(Cookies cookies) {
		assertThat(cookies.accessCookie().isHttpOnly()).isTrue();
		assertThat(cookies.accessCookie().isSecure()).isTrue();
		assertThat(cookies.accessCookie().getSameSite()).isEqualTo("Lax");
		assertThat(cookies.accessCookie().getPath()).isEqualTo("/");
		assertThat(cookies.refreshCookie().isHttpOnly()).isTrue();
		assertThat(cookies.refreshCookie().isSecure()).isTrue();
		assertThat(cookies.refreshCookie().getSameSite()).isEqualTo("Strict");
		assertThat(cookies.refreshCookie().getPath()).isEqualTo("/auth");
	}

	record Cookies(ResponseCookie accessCookie, ResponseCookie refreshCookie) {

		Cookies {
			assertThat(accessCookie).as("access cookie").isNotNull();
			assertThat(refreshCookie).as("refresh cookie").isNotNull();
		}

		String access() {
			return this.accessCookie.getValue();
		}

		String refresh() {
			return this.refreshCookie.getValue();
		}

	}

}
