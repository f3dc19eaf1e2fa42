package dev.portcullis.seeder;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import dev.portcullis.auth.token.AccessClaims;
import dev.portcullis.auth.token.AccessTokenVerifier;
import dev.portcullis.contract.AuthCookies;
import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Test sessions on PostgreSQL: genuine cookies, one password hash, and a delete that spares real users. */
@SeederTest
class TestSessionsTests {

	@Autowired
	TestSessions testSessions;

	@Autowired
	AccessTokenVerifier verifier;

	@Autowired
	WebTestClient client;

	ServiceClient service;

	@BeforeEach
	void setUp() {
		this.service = new ServiceClient(this.client);
	}

	@Test
	void seedWhenCountGivenThenEachUserHasOneLiveSessionWhoseCookiesWork() {
		List<SeededSession> seeded = this.testSessions.seed(3, null, false, true).collectList().block();

		assertThat(seeded).hasSize(3);
		assertThat(seeded).extracting(SeededSession::userId).doesNotHaveDuplicates();
		for (SeededSession session : seeded) {
			AccessClaims claims = this.verifier.verify(session.accessToken()).block();
			assertThat(claims.userId()).isEqualTo(session.userId());
			assertThat(claims.roles()).containsExactly("user");
			this.service.me(session.accessToken()).expectStatus().isOk().expectBody().jsonPath("$.email")
				.isEqualTo(session.email());
			ServiceClient.Cookies rotated = this.service.refreshed(session.refreshToken());
			assertThat(rotated.refresh()).isNotEqualTo(session.refreshToken());
			assertThat(this.verifier.verify(rotated.access()).block().sessionId()).isEqualTo(claims.sessionId());
		}
	}

	@Test
	void seedWhenWithoutAccessTokensThenAccessIsEmptyAndTheFirstRefreshMakesOne() {
		SeededSession seeded = this.testSessions.seed(1, null, false, false).blockLast();

		assertThat(seeded.accessToken()).isEmpty();
		ServiceClient.Cookies rotated = this.service.refreshed(seeded.refreshToken());
		assertThat(this.verifier.verify(rotated.access()).block().userId()).isEqualTo(seeded.userId());
	}

	@Test
	void seedWhenPasswordGivenThenUsersShareOneHashAndCanLogInWithIt() throws SQLException {
		List<SeededSession> seeded = this.testSessions.seed(TestSessions.BATCH + 2, "a shared load-test password", true, false)
			.collectList()
			.block();

		assertThat(seeded).hasSize(TestSessions.BATCH + 2);
		try (Connection db = TestDatabase.get().connect();
				ResultSet rows = db.createStatement().executeQuery("SELECT COUNT(DISTINCT password_hash), COUNT(*) FROM users "
						+ "WHERE test_user AND email LIKE '" + seeded.get(0).email().replaceAll("-0@.*", "-%") + "'")) {
			rows.next();
			assertThat(rows.getLong(1)).as("distinct password hashes").isEqualTo(1);
			assertThat(rows.getLong(2)).as("test users of this run").isEqualTo(TestSessions.BATCH + 2);
		}
		this.service.login(seeded.get(TestSessions.BATCH + 1).email(), "a shared load-test password").expectStatus().isOk();
	}

	@Test
	void seedWhenPasswordLoginNotAllowedThenTheUsersCannotLogInAndNoPasswordIsWritten() {
		List<SeededSession> seeded = this.testSessions.seed(2, "a shared load-test password", false, false).collectList().block();

		assertThat(seeded).extracting(SeededSession::password).containsOnly("");
		this.service.login(seeded.get(0).email(), "a shared load-test password").expectStatus().isUnauthorized();
		this.service.refreshed(seeded.get(0).refreshToken());
	}

	@Test
	void seedWhenPasswordTooWeakThenFailsBeforeCreatingAnyone() {
		long before = this.testSessions.summary().block().users();

		this.testSessions.seed(2, "short", true, true).as(StepVerifier::create).expectError().verify();

		assertThat(this.testSessions.summary().block().users()).isEqualTo(before);
	}

	@Test
	void deleteWhenTestUsersAndRealUsersThenOnlyTestUsersAndTheirSessionsGo() {
		String email = "registered-" + System.nanoTime() + "@example.org";
		this.service.register(email, "correct horse battery staple").expectStatus().isCreated();
		String realRefresh = this.service.login(email, "correct horse battery staple").expectStatus().isOk().expectBody()
			.returnResult().getResponseCookies().getFirst(AuthCookies.REFRESH).getValue();
		List<SeededSession> seeded = this.testSessions.seed(4, null, false, false).collectList().block();
		assertThat(this.testSessions.summary().block().liveSessions()).isGreaterThanOrEqualTo(4);

		this.testSessions.delete().as(StepVerifier::create)
			.assertNext((deleted) -> assertThat(deleted).isGreaterThanOrEqualTo(4))
			.verifyComplete();

		assertThat(this.testSessions.summary().block()).isEqualTo(new TestSessions.Summary(0, 0));
		this.service.refresh(seeded.get(0).refreshToken()).expectStatus().isUnauthorized();
		ServiceClient.Cookies real = this.service.refreshed(realRefresh);
		this.service.me(real.access()).expectStatus().isOk();
	}

}
