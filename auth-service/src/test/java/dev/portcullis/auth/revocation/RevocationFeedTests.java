package dev.portcullis.auth.revocation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.contract.revocation.RevocationFeed;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static dev.portcullis.auth.revocation.RevocationTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** The feed over HTTP: who may read it, catch-up, live events, heartbeats. Subclassed for H2. */
@AuthServiceTest
class RevocationFeedTests {

	static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> SSE = new ParameterizedTypeReference<>() {
	};

	@Autowired
	WebTestClient client;

	@Autowired
	Revocations revocations;

	@Autowired
	RevocationLog log;

	@Autowired
	MutableClock clock;

	@Autowired
	DatabaseClient db;

	@Autowired
	TransactionalOperator transactions;

	@Test
	void feedWhenNoSecretThenUnauthorizedProblem() {
		this.client.get().uri(RevocationFeed.PATH).accept(MediaType.TEXT_EVENT_STREAM).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"revocation-feed\"")
			.expectBody().jsonPath("$.code").isEqualTo("feed_unauthorized");
	}

	@Test
	void feedWhenWrongSecretThenUnauthorizedProblem() {
		for (String authorization : new String[] { "Bearer " + AuthClient.FEED_SECRET + "x", "Bearer ",
				"Basic " + AuthClient.FEED_SECRET, AuthClient.FEED_SECRET }) {
			this.client.get().uri(RevocationFeed.PATH).header(HttpHeaders.AUTHORIZATION, authorization)
				.accept(MediaType.TEXT_EVENT_STREAM).exchange()
				.expectStatus().isUnauthorized()
				.expectBody().jsonPath("$.code").isEqualTo("feed_unauthorized");
		}
	}

	@Test
	void feedWhenAfterIsNotAnIdThenBadRequest() {
		this.client.get().uri(RevocationFeed.PATH + "?after=-1").header(HttpHeaders.AUTHORIZATION, "Bearer " + AuthClient.FEED_SECRET)
			.accept(MediaType.TEXT_EVENT_STREAM).exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_request");
	}

	@Test
	void feedWhenAfterGivenThenEventsAfterItThenLiveEventWithinASecond() {
		long before = awaitLoaded();
		String skipped = record();
		String first = record();
		String second = record();
		awaitInLog(second);
		AtomicLong writtenAt = new AtomicLong();
		String live = UUID.randomUUID().toString();
		revocations(feed(before + 1)).as(StepVerifier::create)
			.assertNext((event) -> assertEvent(event, before + 2, first))
			.assertNext((event) -> assertEvent(event, before + 3, second))
			.then(() -> {
				writtenAt.set(System.nanoTime());
				// Written from the test, not from the stream: subscribing is enough.
				this.revocations.record(Revocation.session(UUID.fromString(live), this.clock.instant())).toFuture();
			})
			.assertNext((event) -> {
				assertEvent(event, before + 4, live);
				assertThat(Duration.ofNanos(System.nanoTime() - writtenAt.get())).isLessThan(Duration.ofSeconds(1));
			})
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(skipped).isNotEqualTo(first);
	}

	@Test
	void feedWhenAnotherReplicaWritesWithoutNotifyingThenTheEventArrivesByPolling() {
		long before = awaitLoaded();
		UUID session = UUID.randomUUID();
		revocations(feed(before)).filter((event) -> session.toString().equals(event.data().get("subject")))
			.next()
			.as(StepVerifier::create)
			.then(() -> RevocationTestSupport
				.writeAsAnotherReplica(this.db, this.transactions, session, this.clock.instant(), false)
				.toFuture())
			.assertNext((event) -> assertThat(event.event()).isEqualTo(RevocationFeed.EVENT_REVOCATION))
			.expectComplete()
			// poll interval 1s, plus the time one poll takes
			.verify(Duration.ofMillis(2500));
	}

	@Test
	void feedWhenAfterBeyondTheLastIdThenReplaysFromTheStart() {
		awaitLoaded();
		String subject = record();
		awaitInLog(subject);
		long lastId = this.log.lastId();
		revocations(feed(lastId + 1000)).filter((event) -> subject.equals(event.data().get("subject")))
			.next()
			.as(StepVerifier::create)
			.assertNext((event) -> assertThat(Long.parseLong(event.id())).isLessThanOrEqualTo(lastId))
			.verifyComplete();
	}

	@Test
	void feedWhenDatabaseGoesBackUnderAnOpenStreamThenResyncThenEventsReusingIds() {
		awaitLoaded();
		String kept = record();
		awaitInLog(kept);
		long keptId = this.log.lastId();
		record();
		String lost = record();
		awaitInLog(lost);
		long last = this.log.lastId();
		String reused = UUID.randomUUID().toString();
		feed(last).filter((event) -> RevocationFeed.EVENT_RESYNC.equals(event.event())
				|| reused.equals(event.data().get("subject")))
			.take(2)
			.as(StepVerifier::create)
			// a restore from a backup taken after the kept event: the two later ones never happened
			.then(() -> restoreTo(keptId))
			.assertNext((resync) -> {
				assertThat(resync.event()).isEqualTo(RevocationFeed.EVENT_RESYNC);
				assertThat(((Number) resync.data().get("lastId")).longValue()).isEqualTo(keptId);
			})
			.then(() -> this.revocations.record(Revocation.session(UUID.fromString(reused), this.clock.instant()))
				.toFuture())
			.assertNext((event) -> assertEvent(event, keptId + 1, reused))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(keptId + 1).as("an id the stream had passed").isLessThan(last);
	}

	@Test
	void feedWhenDatabaseGoesBackAndPassesTheOldLastIdBeforeAPollThenResyncThenTheNewEvents() {
		awaitLoaded();
		String kept = record();
		awaitInLog(kept);
		long keptId = this.log.lastId();
		String lost = record();
		awaitInLog(lost);
		long last = this.log.lastId();
		UUID first = UUID.randomUUID();
		UUID second = UUID.randomUUID();
		// one transaction, so no poll sees the counter below the old last id: only the event under it differs
		Mono<Void> restoreAndWrite = this.db.sql("DELETE FROM revocation_events WHERE id > :id").bind("id", keptId).then()
			.then(this.db.sql("UPDATE serial_locks SET last_id = :id WHERE name = 'revocation_events'").bind("id", keptId)
				.then())
			.then(this.revocations.record(List.of(Revocation.session(first, this.clock.instant().plusSeconds(1)),
					Revocation.session(second, this.clock.instant().plusSeconds(1)))))
			.as(this.transactions::transactional);
		feed(last).filter((event) -> RevocationFeed.EVENT_RESYNC.equals(event.event())
				|| second.toString().equals(event.data().get("subject")))
			.take(2)
			.as(StepVerifier::create)
			.then(() -> restoreAndWrite.toFuture())
			.assertNext((resync) -> assertThat(resync.event()).isEqualTo(RevocationFeed.EVENT_RESYNC))
			.assertNext((event) -> assertThat(event.id()).isEqualTo(Long.toString(keptId + 2)))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(keptId + 2).as("the counter passed the old last id").isGreaterThan(last);
	}

	@Test
	void feedWhenAfterNamesAnotherEventThanTheClientAppliedThenResyncThenReplayFromTheStart() {
		awaitLoaded();
		String subject = record();
		awaitInLog(subject);
		long lastId = this.log.lastId();
		long at = this.log.held(lastId).at();
		StepVerifier.create(feed(lastId, at + 1).take(1))
			.assertNext((event) -> assertThat(event.event()).isEqualTo(RevocationFeed.EVENT_RESYNC))
			.verifyComplete();
		StepVerifier.create(feed(lastId, at).filter((event) -> !RevocationFeed.EVENT_HEARTBEAT.equals(event.event()))
			.take(Duration.ofMillis(300)))
			.as("the event the client applied: nothing to resend")
			.verifyComplete();
	}

	void restoreTo(long lastId) {
		this.db.sql("DELETE FROM revocation_events WHERE id > :id").bind("id", lastId).then()
			.then(this.db.sql("UPDATE serial_locks SET last_id = :id WHERE name = 'revocation_events'").bind("id", lastId)
				.then())
			.as(this.transactions::transactional)
			.block(TIMEOUT);
	}

	@Test
	void feedWhenIdleThenHeartbeatWithTheLastId() {
		long lastId = awaitLoaded();
		feed(lastId).filter((event) -> RevocationFeed.EVENT_HEARTBEAT.equals(event.event()))
			.next()
			.as(StepVerifier::create)
			.assertNext((heartbeat) -> {
				assertThat(((Number) heartbeat.data().get("lastId")).longValue()).isGreaterThanOrEqualTo(lastId);
				assertThat(((Number) heartbeat.data().get("at")).longValue()).isPositive();
			})
			.expectComplete()
			.verify(Duration.ofSeconds(8));
	}

	Flux<ServerSentEvent<Map<String, Object>>> feed(long after) {
		return feed(RevocationFeed.PATH + "?" + RevocationFeed.AFTER + "=" + after);
	}

	Flux<ServerSentEvent<Map<String, Object>>> feed(long after, long afterAt) {
		return feed(RevocationFeed.PATH + "?" + RevocationFeed.AFTER + "=" + after + "&" + RevocationFeed.AFTER_AT + "="
				+ afterAt);
	}

	Flux<ServerSentEvent<Map<String, Object>>> feed(String uri) {
		return this.client.mutate().responseTimeout(Duration.ofSeconds(30)).build()
			.get()
			.uri(uri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + AuthClient.FEED_SECRET)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.returnResult(SSE)
			.getResponseBody();
	}

	static Flux<ServerSentEvent<Map<String, Object>>> revocations(Flux<ServerSentEvent<Map<String, Object>>> feed) {
		return feed.filter((event) -> RevocationFeed.EVENT_REVOCATION.equals(event.event()));
	}

	static void assertEvent(ServerSentEvent<Map<String, Object>> event, long id, String subject) {
		assertThat(event.id()).isEqualTo(Long.toString(id));
		assertThat(event.data()).containsEntry("id", (int) id).containsEntry("kind", "session").containsEntry("subject", subject);
		assertThat(((Number) event.data().get("until")).longValue() - ((Number) event.data().get("at")).longValue())
			.isEqualTo(Duration.ofMinutes(16).toMillis());
	}

	/** Waits for the log's first load and returns the last id. */
	long awaitLoaded() {
		RevocationTestSupport.until(this.log::loaded, TIMEOUT).as(StepVerifier::create).verifyComplete();
		return this.log.lastId();
	}

	String record() {
		UUID session = UUID.randomUUID();
		this.revocations.record(Revocation.session(session, this.clock.instant())).block(TIMEOUT);
		return session.toString();
	}

	void awaitInLog(String subject) {
		RevocationTestSupport.until(() -> this.log.since(0).stream().anyMatch((event) -> subject.equals(event.subject())),
				Duration.ofSeconds(3)).as(StepVerifier::create).verifyComplete();
	}

}
