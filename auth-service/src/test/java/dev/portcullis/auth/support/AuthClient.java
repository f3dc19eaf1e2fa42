package dev.portcullis.auth.support;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the HTTP API the way a browser would, one call per method. */
public final class AuthClient {

	public static final String ACCESS = "__Host-access_token";

	public static final String REFRESH = "__Secure-refresh_token";

	public static final String PASSWORD = "correct horse battery staple";

	/** The tests' revocation-feed secret (portcullis.feed-secret). */
	public static final String FEED_SECRET = "test-feed-secret-of-at-least-32-characters";

	public static final String ADMIN_SECRET = "test-admin-secret-of-at-least-32-characters";

	private static final AtomicInteger counter = new AtomicInteger();

	private static final AtomicInteger addresses = new AtomicInteger();

	private final WebTestClient client;

	public AuthClient(WebTestClient client) {
		this.client = client;
	}

	public static String uniqueEmail() {
		return "user-" + System.nanoTime() + "-" + counter.incrementAndGet() + "@example.org";
	}

	/**
	 * A client address in a /24 no other test uses (in 10.0.0.0/8), for
	 * {@link #login(String, String, String)}: the service is reached from loopback, so it believes
	 * the last X-Forwarded-For entry.
	 */
	public static String uniqueIp() {
		int n = addresses.incrementAndGet();
		return "10." + ((n >> 8) & 255) + "." + (n & 255) + "." + (1 + ((n >> 16) & 127));
	}

	/** Registers from a client address of its own, so tests share no registration budget. */
	public WebTestClient.ResponseSpec register(String email, String password) {
		return this.client.post()
			.uri("/auth/register")
			.header("X-Forwarded-For", uniqueIp())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange();
	}

	public WebTestClient.ResponseSpec login(String email, String password) {
		return this.client.post()
			.uri("/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange();
	}

	/** A login from {@code ip}, as the gateway forwards it. */
	public WebTestClient.ResponseSpec login(String email, String password, String ip) {
		return this.client.post()
			.uri("/auth/login")
			.header("X-Forwarded-For", ip)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange();
	}

	/** Registers a new account, logs in, and returns the session's cookies. */
	public Tokens newSession() {
		String email = uniqueEmail();
		register(email, PASSWORD).expectStatus().isCreated();
		return loggedIn(email, PASSWORD);
	}

	public Tokens loggedIn(String email, String password) {
		EntityExchangeResult<byte[]> result = login(email, password).expectStatus().isOk().expectBody().returnResult();
		return Tokens.from(result.getResponseCookies(), email);
	}

	public WebTestClient.ResponseSpec refresh(String refreshToken) {
		return this.client.post().uri("/auth/refresh").cookie(REFRESH, refreshToken).exchange();
	}

	public Tokens refreshed(Tokens tokens) {
		EntityExchangeResult<byte[]> result = refresh(tokens.refresh()).expectStatus().isOk().expectBody().returnResult();
		return Tokens.from(result.getResponseCookies(), tokens.email());
	}

	public WebTestClient.RequestHeadersSpec<?> get(String path, Tokens tokens) {
		return this.client.get().uri(path).cookie(ACCESS, tokens.access());
	}

	public WebTestClient.RequestBodySpec post(String path, Tokens tokens) {
		return this.client.post().uri(path).cookie(ACCESS, tokens.access());
	}

	/** The cookie values of one session, and the account's email. */
	public record Tokens(String access, String refresh, String email) {

		static Tokens from(MultiValueMap<String, ResponseCookie> cookies, String email) {
			ResponseCookie access = cookies.getFirst(ACCESS);
			ResponseCookie refresh = cookies.getFirst(REFRESH);
			assertThat(access).as("access cookie").isNotNull();
			assertThat(refresh).as("refresh cookie").isNotNull();
			return new Tokens(access.getValue(), refresh.getValue(), email);
		}

	}

}
