package dev.portcullis.auth.session;

import java.util.List;
import java.util.Map;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs on PostgreSQL here and on the embedded default in a subclass. */
@AuthServiceTest
class SessionEndpointsTests {

	@Autowired
	WebTestClient client;

	AuthClient auth;

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
	}

	@Test
	void meWhenLoggedInThenIdEmailAndRoles() {
		Tokens tokens = this.auth.newSession();
		this.auth.get("/auth/me", tokens).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.email").isEqualTo(tokens.email())
			.jsonPath("$.roles[0]").isEqualTo("user")
			.jsonPath("$.id").isNotEmpty();
	}

	@Test
	void meWhenNoOrBadCookieThenTokenCodes() {
		this.client.get().uri("/auth/me").exchange().expectStatus().isUnauthorized()
			.expectHeader().exists("WWW-Authenticate")
			.expectBody().jsonPath("$.code").isEqualTo("token_missing");
		this.client.get().uri("/auth/me").cookie(AuthClient.ACCESS, "a.b.c").exchange().expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.code").isEqualTo("token_invalid");
	}

	@Test
	void meWhenIdentityHeadersSentWithoutCookieThenStillUnauthorized() {
		Tokens tokens = this.auth.newSession();
		String userId = this.auth.get("/auth/me", tokens).exchange().expectBody(Map.class).returnResult().getResponseBody()
			.get("id").toString();
		this.client.get().uri("/auth/me").header("X-User-Id", userId).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void logoutWhenCalledThenRevokesSessionAndClearsCookies() {
		Tokens tokens = this.auth.newSession();
		EntityExchangeResult<Void> result = this.client.post().uri("/auth/logout")
			.cookie(AuthClient.ACCESS, tokens.access()).cookie(AuthClient.REFRESH, tokens.refresh())
			.exchange().expectStatus().isNoContent().expectBody().isEmpty();
		assertThat(result.getResponseCookies().getFirst(AuthClient.ACCESS).getMaxAge()).isZero();
		assertThat(result.getResponseCookies().getFirst(AuthClient.REFRESH).getMaxAge()).isZero();
		this.auth.refresh(tokens.refresh()).expectStatus().isUnauthorized();
		this.auth.get("/auth/me", tokens).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void logoutAllWhenCalledThenEverySessionOfTheUserEnds() {
		Tokens one = this.auth.newSession();
		Tokens two = this.auth.loggedIn(one.email(), AuthClient.PASSWORD);
		Tokens other = this.auth.newSession();
		this.auth.post("/auth/logout-all", one).exchange().expectStatus().isNoContent();
		this.auth.refresh(one.refresh()).expectStatus().isUnauthorized();
		this.auth.refresh(two.refresh()).expectStatus().isUnauthorized();
		this.auth.refreshed(other);
	}

	@Test
	void sessionsWhenTwoLoginsThenListsBothAndFlagsCurrent() {
		Tokens one = this.auth.newSession();
		this.auth.loggedIn(one.email(), AuthClient.PASSWORD);
		List<Map<String, Object>> sessions = this.auth.get("/auth/sessions", one)
			.header("User-Agent", "test-agent")
			.exchange()
			.expectStatus().isOk()
			.expectBodyList(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(sessions).hasSize(2);
		assertThat(sessions).filteredOn((s) -> Boolean.TRUE.equals(s.get("current"))).hasSize(1);
		assertThat(sessions.get(0)).containsKeys("id", "createdAt", "lastRefreshedAt", "userAgent", "clientIp");
	}

	@Test
	void sessionsWhenLoginForwardedByLoopbackProxyThenListsTheForwardedClientAddress() {
		Tokens one = this.auth.newSession();
		this.auth.login(one.email(), AuthClient.PASSWORD, "198.51.100.23").expectStatus().isOk();
		List<Map<String, Object>> sessions = this.auth.get("/auth/sessions", one)
			.exchange()
			.expectStatus().isOk()
			.expectBodyList(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(sessions).extracting((s) -> s.get("clientIp")).contains("198.51.100.23");
	}

	@Test
	void deleteSessionWhenOwnThenRevokedAndWhenOthersThenNotFound() {
		Tokens one = this.auth.newSession();
		Tokens two = this.auth.loggedIn(one.email(), AuthClient.PASSWORD);
		Tokens stranger = this.auth.newSession();
		String otherId = otherSessionId(one);
		this.client.delete().uri("/auth/sessions/{id}", otherId).cookie(AuthClient.ACCESS, stranger.access())
			.exchange().expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("session_not_found");
		this.client.delete().uri("/auth/sessions/{id}", "not-a-uuid").cookie(AuthClient.ACCESS, one.access())
			.exchange().expectStatus().isNotFound();
		this.client.delete().uri("/auth/sessions/{id}", otherId).cookie(AuthClient.ACCESS, one.access())
			.exchange().expectStatus().isNoContent();
		this.auth.refresh(two.refresh()).expectStatus().isUnauthorized();
		this.auth.refreshed(one);
	}

	@Test
	void changePasswordWhenCurrentCorrectThenOtherSessionsRevokedAndNewPasswordWorks() {
		Tokens one = this.auth.newSession();
		Tokens two = this.auth.loggedIn(one.email(), AuthClient.PASSWORD);
		String newPassword = "a brand new passphrase";
		this.auth.post("/auth/password", one).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", "wrong current password", "newPassword", newPassword))
			.exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("invalid_credentials");
		this.auth.post("/auth/password", one).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", AuthClient.PASSWORD, "newPassword", "password"))
			.exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("weak_password");
		this.auth.post("/auth/password", one).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", AuthClient.PASSWORD, "newPassword", newPassword))
			.exchange().expectStatus().isNoContent();
		this.auth.refresh(two.refresh()).expectStatus().isUnauthorized();
		this.auth.refreshed(one);
		this.auth.login(one.email(), AuthClient.PASSWORD).expectStatus().isUnauthorized();
		this.auth.login(one.email(), newPassword).expectStatus().isOk();
	}

	private String otherSessionId(Tokens tokens) {
		List<Map<String, Object>> sessions = this.auth.get("/auth/sessions", tokens).exchange()
			.expectBodyList(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		return sessions.stream().filter((s) -> !Boolean.TRUE.equals(s.get("current"))).findFirst().orElseThrow().get("id")
			.toString();
	}

}
