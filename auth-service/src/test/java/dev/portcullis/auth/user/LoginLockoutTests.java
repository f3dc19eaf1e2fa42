package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.Map;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.portcullis.auth.support.AuthClient.PASSWORD;
import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static dev.portcullis.auth.support.AuthClient.uniqueIp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a slowed-down account still allows: whoever guesses wrong is slowed down, but cannot lock
 * the owner out of the address they last logged in from, and never for good. The first block
 * lasts an hour here, and the clock moves past it in this context only.
 */
@AuthServiceTest
@TestPropertySource(properties = LoginRaceTests.LONG_BLOCKS)
class LoginLockoutTests {

	@Autowired
	WebTestClient client;

	@Autowired
	MutableClock clock;

	AuthClient auth;

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
	}

	@Test
	void loginWhenSomeoneElseKeepsTheAccountSlowedDownThenTheAddressThatLastLoggedInStillGetsIn() {
		String email = uniqueEmail();
		String home = uniqueIp();
		String attacker = uniqueIp();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		this.auth.login(email, PASSWORD, home).expectStatus().isOk();
		for (int i = 0; i < 5; i++) {
			this.auth.login(email, "wrong guess " + i, attacker).expectStatus().isUnauthorized();
		}
		this.auth.login(email, PASSWORD, attacker).expectStatus().isEqualTo(429);
		this.auth.login(email, PASSWORD, uniqueIp()).expectStatus().isEqualTo(429);

		this.auth.login(email, PASSWORD, home).expectStatus().isOk();
	}

	@Test
	void loginWhenTheAddressThatLastLoggedInGuessesWrongThenItIsSlowedDownToo() {
		String email = uniqueEmail();
		String home = uniqueIp();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		this.auth.login(email, PASSWORD, home).expectStatus().isOk();
		for (int i = 0; i < 5; i++) {
			this.auth.login(email, "wrong guess " + i, home).expectStatus().isUnauthorized();
		}
		this.auth.login(email, PASSWORD, home)
			.expectStatus().isEqualTo(429)
			.expectBody().jsonPath("$.code").isEqualTo("too_many_attempts");
	}

	@Test
	void loginWhenTheBlockIsOverThenTheCorrectPasswordWorksFromAnyAddress() {
		String email = uniqueEmail();
		String attacker = uniqueIp();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		for (int i = 0; i < 5; i++) {
			this.auth.login(email, "wrong guess " + i, attacker).expectStatus().isUnauthorized();
		}
		this.auth.login(email, PASSWORD, uniqueIp()).expectStatus().isEqualTo(429);
		this.clock.advance(Duration.ofMinutes(61));
		this.auth.login(email, PASSWORD, uniqueIp()).expectStatus().isOk();
	}

	@Test
	void loginWhenKnownAndUnknownAddressesAreSlowedDownThenTheAnswersAreTheSame() {
		String known = uniqueEmail();
		String unknown = uniqueEmail();
		String attacker = uniqueIp();
		this.auth.register(known, PASSWORD).expectStatus().isCreated();
		for (int i = 0; i < 5; i++) {
			this.auth.login(known, "wrong guess " + i, attacker).expectStatus().isUnauthorized();
			this.auth.login(unknown, "wrong guess " + i, uniqueIp()).expectStatus().isUnauthorized();
		}
		byte[] knownAnswer = this.auth.login(known, PASSWORD, uniqueIp())
			.expectStatus().isEqualTo(429).expectBody().returnResult().getResponseBody();
		byte[] unknownAnswer = this.auth.login(unknown, PASSWORD, uniqueIp())
			.expectStatus().isEqualTo(429).expectBody().returnResult().getResponseBody();
		assertThat(new String(unknownAnswer)).isEqualTo(new String(knownAnswer));
	}

	@Test
	void changePasswordWhenCurrentPasswordRepeatedlyWrongThenTooManyAttemptsEvenForTheRightOne() {
		Tokens stolen = this.auth.newSession();
		Tokens owner = this.auth.loggedIn(stolen.email(), PASSWORD);
		for (int i = 0; i < 5; i++) {
			changePassword(stolen, "wrong guess " + i).expectStatus().isUnauthorized()
				.expectBody().jsonPath("$.code").isEqualTo("invalid_credentials");
		}
		changePassword(stolen, PASSWORD)
			.expectStatus().isEqualTo(429)
			.expectHeader().exists("Retry-After")
			.expectBody().jsonPath("$.code").isEqualTo("too_many_attempts");
		// the guesses logged nobody out
		this.auth.refreshed(owner);

		this.clock.advance(Duration.ofMinutes(61));
		changePassword(this.auth.refreshed(stolen), PASSWORD).expectStatus().isNoContent();
	}

	private WebTestClient.ResponseSpec changePassword(Tokens tokens, String current) {
		return this.auth.post("/auth/password", tokens)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", current, "newPassword", "a brand new passphrase"))
			.exchange();
	}

}
