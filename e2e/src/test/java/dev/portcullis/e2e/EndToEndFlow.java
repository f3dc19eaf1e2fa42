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
 * The whole user journey through the real gateway: register, login, a proxied call, expiry,
 * refresh, theft detection by replay, logout-all. Shared by the PostgreSQL and embedded runs.
 */
final class EndToEndFlow {

	static final String ACCESS = "__Host-access_token";

	static final String REFRESH = "__Secure-refresh_token";

	static final String ORIGIN = "http://app.test";

	static final String PASSWORD = "correct horse battery staple";

	/** Access tokens live 2 s, the refresh grace window 1 s, and the gateway allows no clock skew. */
	static final List<String> AUTH_ARGS = List.of("--portcullis.auth.access-token-ttl=2s", "--portcullis.auth.refresh-grace=1s");

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

	EndToEndFlow(Portcullis portcullis) {
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
		this.client.get().uri("/api/orders").cookie(ACCESS, login.access()).cookie(REFRESH, login.refresh())
			.cookie("theme", "dark").header("X-User-Id", "spoofed-admin")
			.exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.path").isEqualTo("/orders")
			.jsonPath("$.identity['X-User-Id']").isEqualTo(userId)
			.jsonPath("$.headers['X-User-Id'].length()").isEqualTo(1)
			.jsonPath("$.cookies.theme[0]").isEqualTo("dark")
			.jsonPath("$.cookies['" + ACCESS + "']").doesNotExist()
			.jsonPath("$.cookies['" + REFRESH + "']").doesNotExist();

		// the access token expires: the gateway says so, the single-page app refreshes
		Thread.sleep(3000);
		this.client.get().uri("/api/orders").cookie(ACCESS, login.access()).exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("token_expired");
		Cookies refreshed = refresh(login.refresh());
		assertThat(refreshed.refresh()).isNotEqualTo(login.refresh());
		this.client.get().uri("/api/orders").cookie(ACCESS, refreshed.access()).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.identity['X-User-Id']").isEqualTo(userId);

		// the old refresh token replayed after the grace window: theft, the whole session ends
		Thread.sleep(1500);
		post("/auth/refresh").cookie(REFRESH, login.refresh()).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
		post("/auth/refresh").cookie(REFRESH, refreshed.refresh()).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");

		// two fresh sessions; logout-all from one ends the other
		Cookies first = login(email);
		Cookies second = login(email);
		post("/auth/logout-all").cookie(ACCESS, first.access()).exchange().expectStatus().isNoContent();
		post("/auth/refresh").cookie(REFRESH, second.refresh()).exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_refresh");
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
