package dev.portcullis.auth.revocation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static dev.portcullis.auth.revocation.RevocationTestSupport.TIMEOUT;
import static dev.portcullis.auth.revocation.RevocationTestSupport.eventsAfter;
import static dev.portcullis.auth.revocation.RevocationTestSupport.kindsAndSubjects;
import static dev.portcullis.auth.revocation.RevocationTestSupport.lastId;
import static dev.portcullis.auth.revocation.RevocationTestSupport.sessionId;
import static dev.portcullis.auth.revocation.RevocationTestSupport.userId;
import static org.assertj.core.api.Assertions.assertThat;

/** Every way access ends writes its event, in the transaction that ends it. */
@AuthServiceTest
class RevocationRecordTests {

	@Autowired
	WebTestClient client;

	@Autowired
	RevocationRepository repository;

	@Autowired
	Revocations revocations;

	@Autowired
	RevocationLog log;

	@Autowired
	TransactionalOperator transactions;

	@Autowired
	MutableClock clock;

	AuthClient auth;

	@BeforeEach
	void setUp() {
		// Argon2 logins on a shared, busy machine can take longer than the default 5s.
		this.client = this.client.mutate().responseTimeout(Duration.ofSeconds(30)).build();
		this.auth = new AuthClient(this.client);
	}

	@Test
	void logoutWhenCalledThenOneSessionEvent() {
		Tokens tokens = this.auth.newSession();
		String sid = sessionId(this.auth, tokens);
		long before = lastId(this.repository);
		this.client.post().uri("/auth/logout").cookie(AuthClient.REFRESH, tokens.refresh()).exchange()
			.expectStatus().isNoContent();
		assertThat(kindsAndSubjects(this.repository, before)).containsExactly("session:" + sid);
		RevocationEvent event = eventsAfter(this.repository, before).get(0);
		assertThat(event.id()).isEqualTo(before + 1);
		assertThat(event.until() - event.at()).isEqualTo(Duration.ofMinutes(16).toMillis());
	}

	@Test
	void logoutWhenSessionAlreadyEndedThenNoSecondEvent() {
		Tokens tokens = this.auth.newSession();
		this.client.post().uri("/auth/logout").cookie(AuthClient.REFRESH, tokens.refresh()).exchange()
			.expectStatus().isNoContent();
		long before = lastId(this.repository);
		this.client.post().uri("/auth/logout").cookie(AuthClient.REFRESH, tokens.refresh()).exchange()
			.expectStatus().isNoContent();
		assertThat(kindsAndSubjects(this.repository, before)).isEmpty();
	}

	@Test
	void revokeWhenSessionFromTheListThenSessionEvent() {
		Tokens current = this.auth.newSession();
		Tokens other = this.auth.loggedIn(current.email(), AuthClient.PASSWORD);
		String otherSid = sessionId(this.auth, other);
		long before = lastId(this.repository);
		this.client.delete().uri("/auth/sessions/" + otherSid).cookie(AuthClient.ACCESS, current.access()).exchange()
			.expectStatus().isNoContent();
		assertThat(kindsAndSubjects(this.repository, before)).containsExactly("session:" + otherSid);
	}

	@Test
	void revokeWhenSessionOfAnotherUserThenNotFoundAndNoEvent() {
		Tokens mine = this.auth.newSession();
		String theirs = sessionId(this.auth, this.auth.newSession());
		long before = lastId(this.repository);
		this.client.delete().uri("/auth/sessions/" + theirs).cookie(AuthClient.ACCESS, mine.access()).exchange()
			.expectStatus().isNotFound();
		assertThat(kindsAndSubjects(this.repository, before)).isEmpty();
	}

	@Test
	void logoutAllWhenTwoSessionsThenTwoSessionEventsThenOneUserEvent() {
		Tokens one = this.auth.newSession();
		Tokens two = this.auth.loggedIn(one.email(), AuthClient.PASSWORD);
		String sidOne = sessionId(this.auth, one);
		String sidTwo = sessionId(this.auth, two);
		String user = userId(this.auth, one);
		long before = lastId(this.repository);
		this.auth.post("/auth/logout-all", one).exchange().expectStatus().isNoContent();
		List<String> written = kindsAndSubjects(this.repository, before);
		assertThat(written).hasSize(3);
		assertThat(written.subList(0, 2)).containsExactlyInAnyOrder("session:" + sidOne, "session:" + sidTwo);
		assertThat(written.get(2)).isEqualTo("user:" + user);
	}

	@Test
	void changePasswordWhenOtherSessionsThenOneSessionEventEachAndNoUserEvent() {
		Tokens current = this.auth.newSession();
		Tokens two = this.auth.loggedIn(current.email(), AuthClient.PASSWORD);
		Tokens three = this.auth.loggedIn(current.email(), AuthClient.PASSWORD);
		String sidTwo = sessionId(this.auth, two);
		String sidThree = sessionId(this.auth, three);
		long before = lastId(this.repository);
		this.auth.post("/auth/password", current)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", AuthClient.PASSWORD, "newPassword", "another horse battery staple"))
			.exchange()
			.expectStatus()
			.isNoContent();
		assertThat(kindsAndSubjects(this.repository, before)).containsExactlyInAnyOrder(
				"session:" + sidTwo, "session:" + sidThree);
		this.auth.get("/auth/me", current).exchange().expectStatus().isOk();
	}

	@Test
	void refreshWhenTokenReplayedAfterGraceThenSessionEvent() {
		Tokens tokens = this.auth.newSession();
		String sid = sessionId(this.auth, tokens);
		this.auth.refreshed(tokens);
		this.clock.advance(Duration.ofSeconds(11));
		long before = lastId(this.repository);
		this.auth.refresh(tokens.refresh()).expectStatus().isUnauthorized();
		assertThat(kindsAndSubjects(this.repository, before)).containsExactly("session:" + sid);
	}

	@Test
	void recordWhenTransactionFailsThenNoEventAndNoIdUsed() {
		long before = lastId(this.repository);
		this.revocations.record(Revocation.session(UUID.randomUUID(), this.clock.instant()))
			.then(Mono.error(new IllegalStateException("the revoking step failed")))
			.as(this.transactions::transactional)
			.as(StepVerifier::create)
			.expectErrorMessage("the revoking step failed")
			.verify(TIMEOUT);
		assertThat(lastId(this.repository)).isEqualTo(before);
		assertThat(kindsAndSubjects(this.repository, before)).isEmpty();
	}

	@Test
	void recordWhenFiftyConcurrentThenIdsWithoutGapsAllInTheLog() {
		Instant now = this.clock.instant();
		long before = lastId(this.repository);
		Flux.range(0, 50)
			.flatMap((i) -> this.revocations.record(Revocation.session(UUID.randomUUID(), now)), 50)
			.as(StepVerifier::create)
			.verifyComplete();
		List<Long> ids = eventsAfter(this.repository, before).stream().map(RevocationEvent::id).toList();
		assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(before + 1, before + 50).boxed().toList());
		RevocationTestSupport.until(() -> this.log.since(before).size() >= 50, Duration.ofSeconds(3))
			.as(StepVerifier::create)
			.verifyComplete();
		assertThat(this.log.since(before).stream().map(RevocationEvent::id).toList()).containsAll(ids);
	}

}
