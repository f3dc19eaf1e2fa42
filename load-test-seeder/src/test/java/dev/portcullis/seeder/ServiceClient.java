package dev.portcullis.seeder;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.contract.AuthCookies;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The auth service's API, called as the gateway forwards a browser's calls: what a seeded session must pass. */
final class ServiceClient {

	private static final AtomicInteger addresses = new AtomicInteger();

	private final WebTestClient client;

	ServiceClient(WebTestClient client) {
		this.client = client;
	}

	/** A client address no other call of the run uses, so no two share a login budget. */
	static String uniqueIp() {
		int n = addresses.incrementAndGet();
		return "10.77." + ((n >> 8) & 255) + "." + (1 + (n & 127));
	}

	WebTestClient.ResponseSpec register(String email, String password) {
		return this.client.post()
			.uri("/auth/register")
			.header("X-Forwarded-For", uniqueIp())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange();
	}

	WebTestClient.ResponseSpec login(String email, String password) {
		return this.client.post()
			.uri("/auth/login")
			.header("X-Forwarded-For", uniqueIp())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", password))
			.exchange();
	}

	WebTestClient.ResponseSpec refresh(String refreshToken) {
		return this.client.post().uri("/auth/refresh").cookie(AuthCookies.REFRESH, refreshToken).exchange();
	}

	/** Refreshes, expecting 200; the new access and refresh cookies. */
	Cookies refreshed(String refreshToken) {
		var cookies = refresh(refreshToken).expectStatus().isOk().expectBody().returnResult().getResponseCookies();
		ResponseCookie access = cookies.getFirst(AuthCookies.ACCESS);
		ResponseCookie refresh = cookies.getFirst(AuthCookies.REFRESH);
		assertThat(access).as("access cookie").isNotNull();
		assertThat(refresh).as("refresh cookie").isNotNull();
		return new Cookies(access.getValue(), refresh.getValue());
	}

	WebTestClient.ResponseSpec me(String accessToken) {
		return this.client.get().uri("/auth/me").cookie(AuthCookies.ACCESS, accessToken).exchange();
	}

	/** The cookie values of one session. */
	record Cookies(String access, String refresh) {
	}

}
