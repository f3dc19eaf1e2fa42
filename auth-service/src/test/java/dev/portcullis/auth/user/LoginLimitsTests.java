package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.Map;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.portcullis.auth.support.AuthClient.PASSWORD;
import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static dev.portcullis.auth.support.AuthClient.uniqueIp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-client and the global failure limits, with budgets small enough to reach: one wrong
 * password per account, so only these limits can be what says no. Under attack (the global
 * budget used up) a client may fail once per window here.
 */
@AuthServiceTest
@TestPropertySource(properties = { "portcullis.auth.login.client-failures=3", "portcullis.auth.login.client-window=1h",
		"portcullis.auth.login.global-failures=6", "portcullis.auth.login.global-window=1h",
		"portcullis.auth.login.client-failures-under-attack=1" })
class LoginLimitsTests {

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	AuthClient auth;

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
		clearGlobalBudget();
	}

	/** Other test classes share the database, and the global budget is one row for all of them. */
	@AfterEach
	void clearGlobalBudget() {
		this.db.sql("DELETE FROM attempt_budgets WHERE bucket = 'global'").then().block(Duration.ofSeconds(10));
	}

	@Test
	void loginWhenOneAddressFailsOnManyAccountsThenThatAddressGetsTooManyAttemptsAndOthersDoNot() {
		String sprayer = uniqueIp();
		for (int i = 0; i < 3; i++) {
			this.auth.login(uniqueEmail(), "Summer2024!", sprayer).expectStatus().isUnauthorized();
		}
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		this.auth.login(email, PASSWORD, sprayer)
			.expectStatus().isEqualTo(429)
			.expectHeader().value("Retry-After", (seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 3600L))
			.expectBody().jsonPath("$.code").isEqualTo("too_many_attempts");
		this.auth.login(uniqueEmail(), "Summer2024!", sprayer).expectStatus().isEqualTo(429);
		this.auth.login(email, PASSWORD, uniqueIp()).expectStatus().isOk();
	}

	@Test
	void loginWhenOneIpv6SubnetFailsFromManyAddressesThenTheWholeSubnetGetsTooManyAttempts() {
		String subnet = "2001:db8:" + Integer.toHexString(uniqueIp().hashCode() & 0xffff) + ":7::";
		for (int i = 1; i <= 3; i++) {
			this.auth.login(uniqueEmail(), "Summer2024!", subnet + i).expectStatus().isUnauthorized();
		}
		this.auth.login(uniqueEmail(), "Summer2024!", subnet + "ab:cd")
			.expectStatus().isEqualTo(429)
			.expectBody().jsonPath("$.code").isEqualTo("too_many_attempts");
	}

	@Test
	void loginWhenSuccessfulThenItDoesNotCountAgainstTheAddress() {
		String office = uniqueIp();
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		for (int i = 0; i < 5; i++) {
			this.auth.login(email, PASSWORD, office).expectStatus().isOk();
		}
		this.auth.login(uniqueEmail(), "Summer2024!", office).expectStatus().isUnauthorized();
	}

	@Test
	void loginWhenFailuresAcrossAllAccountsReachTheGlobalBudgetThenNewClientsStillGetInAndGuessersAreRefused() {
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		String guesser = uniqueIp();
		this.auth.login(uniqueEmail(), "Summer2024!", guesser).expectStatus().isUnauthorized();
		for (int i = 0; i < 5; i++) {
			this.auth.login(uniqueEmail(), "Summer2024!", uniqueIp()).expectStatus().isUnauthorized();
		}

		this.auth.login(email, PASSWORD, uniqueIp()).expectStatus().isOk();
		this.auth.login(email, PASSWORD, guesser)
			.expectStatus().isEqualTo(429)
			.expectHeader().exists("Retry-After")
			.expectBody().jsonPath("$.code").isEqualTo("too_many_attempts");
		String newcomer = uniqueIp();
		this.auth.login(uniqueEmail(), "Summer2024!", newcomer).expectStatus().isUnauthorized();
		this.auth.login(uniqueEmail(), "Summer2024!", newcomer).expectStatus().isEqualTo(429);
	}

	@Test
	void loginWhenUnderAttackThenTheAddressThatLastLoggedInKeepsItsWholeBudget() {
		String home = uniqueIp();
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		this.auth.login(email, PASSWORD, home).expectStatus().isOk();
		for (int i = 0; i < 6; i++) {
			this.auth.login(uniqueEmail(), "Summer2024!", uniqueIp()).expectStatus().isUnauthorized();
		}
		this.auth.login(email, "a typo", home).expectStatus().isUnauthorized();
		this.auth.login(email, PASSWORD, home).expectStatus().isOk();
	}

	@Test
	void registerWhenOneClientRegistersBeyondItsBudgetThenTooManyAttemptsAndOthersDoNot() {
		String client = uniqueIp();
		for (int i = 0; i < 20; i++) {
			register(uniqueEmail(), client).expectStatus().isCreated();
		}
		register(uniqueEmail(), client)
			.expectStatus().isEqualTo(429)
			.expectHeader().exists("Retry-After")
			.expectBody().jsonPath("$.code").isEqualTo("too_many_attempts");
		register(uniqueEmail(), uniqueIp()).expectStatus().isCreated();
	}

	private WebTestClient.ResponseSpec register(String email, String ip) {
		return this.client.post()
			.uri("/auth/register")
			.header("X-Forwarded-For", ip)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", PASSWORD))
			.exchange();
	}

}
