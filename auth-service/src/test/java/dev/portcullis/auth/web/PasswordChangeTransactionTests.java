package dev.portcullis.auth.web;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.portcullis.auth.support.AuthClient.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A password change and the revocation of the account's other sessions commit together: on real
 * PostgreSQL, a trigger makes the revocation fail, and the password must then be the old one.
 */
@AuthServiceTest
class PasswordChangeTransactionTests {

	static final String NEW_PASSWORD = "a brand new passphrase";

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	AuthClient auth;

	String trigger;

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
		this.trigger = "refuse_revocation_" + UUID.randomUUID().toString().replace("-", "");
		sql("CREATE OR REPLACE FUNCTION portcullis_test_refuse_revocation() RETURNS trigger AS $$ "
				+ "BEGIN RAISE EXCEPTION 'revocation refused by the test'; END $$ LANGUAGE plpgsql");
	}

	@AfterEach
	void dropTrigger() {
		sql("DROP TRIGGER IF EXISTS " + this.trigger + " ON sessions");
	}

	@Test
	void changePasswordWhenRevokingTheOtherSessionsFailsThenThePasswordIsUnchanged() {
		Tokens current = this.auth.newSession();
		Tokens other = this.auth.loggedIn(current.email(), PASSWORD);
		UUID userId = this.db.sql("SELECT id FROM users WHERE email = :email")
			.bind("email", current.email())
			.map((row) -> row.get("id", UUID.class))
			.one()
			.block(Duration.ofSeconds(10));
		sql("CREATE TRIGGER " + this.trigger + " BEFORE UPDATE ON sessions FOR EACH ROW WHEN (OLD.user_id = '" + userId
				+ "') EXECUTE FUNCTION portcullis_test_refuse_revocation()");

		changePassword(current).expectStatus().is5xxServerError();
		dropTrigger();

		this.auth.login(current.email(), NEW_PASSWORD, AuthClient.uniqueIp()).expectStatus().isUnauthorized();
		this.auth.login(current.email(), PASSWORD, AuthClient.uniqueIp()).expectStatus().isOk();
		this.auth.refresh(other.refresh()).expectStatus().isOk();
	}

	@Test
	void changePasswordWhenEverythingCommitsThenNewPasswordAndOtherSessionsEnded() {
		Tokens current = this.auth.newSession();
		Tokens other = this.auth.loggedIn(current.email(), PASSWORD);

		changePassword(current).expectStatus().isNoContent();

		this.auth.refresh(other.refresh()).expectStatus().isUnauthorized();
		this.auth.login(current.email(), NEW_PASSWORD, AuthClient.uniqueIp()).expectStatus().isOk();
	}

	private WebTestClient.ResponseSpec changePassword(Tokens tokens) {
		return this.auth.post("/auth/password", tokens)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", PASSWORD, "newPassword", NEW_PASSWORD))
			.exchange();
	}

	private void sql(String statement) {
		this.db.sql(statement).then().block(Duration.ofSeconds(10));
	}

}
