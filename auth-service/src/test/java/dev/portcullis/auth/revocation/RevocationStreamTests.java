package dev.portcullis.auth.revocation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.contract.revocation.RevocationFeed;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-subscriber stream over an in-memory log, without a server. */
class RevocationStreamTests {

	final RevocationLog log = new RevocationLog();

	final RevocationStream stream = new RevocationStream(this.log,
			new RevocationProperties(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(5)), Clock.systemUTC());

	@Test
	void afterWhenEventsAppendedWhileSubscribingThenEachSentOnceInOrder() {
		this.log.append(List.of(event(1), event(2)), 2);
		// Appends race the subscription: none may be lost between catch-up and live, none sent twice.
		Flux<Long> ids = this.stream.after(1, null).map((sse) -> Long.parseLong(sse.id())).take(200);
		Flux<Void> writer = Flux.range(3, 199)
			.doOnNext((id) -> this.log.append(List.of(event(id)), id))
			.subscribeOn(Schedulers.boundedElastic())
			.thenMany(Flux.empty());
		StepVerifier.create(Flux.merge(ids, writer).map(Long.class::cast).collectList())
			.assertNext((received) -> assertThat(received).containsExactlyElementsOf(
					java.util.stream.LongStream.rangeClosed(2, 201).boxed().toList()))
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void afterWhenLogClosedThenStreamCompletes() {
		this.log.append(List.of(event(1)), 1);
		StepVerifier.create(this.stream.after(0, null))
			.assertNext((sse) -> assertThat(sse.event()).isEqualTo(RevocationFeed.EVENT_REVOCATION))
			.then(this.log::close)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(this.stream.after(0, null)).expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void afterWhenHeartbeatDueThenItCarriesTheLastIdSent() {
		RevocationStream quick = new RevocationStream(this.log,
				new RevocationProperties(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(5)), Clock.systemUTC());
		// Ids 1-3 were assigned, but only 3 is still held (1 and 2 were purged).
		this.log.append(List.of(event(3)), 3);
		StepVerifier.create(quick.after(0, null).map(ServerSentEvent::data))
			.assertNext((data) -> assertThat(data).isEqualTo(event(3)))
			.assertNext((data) -> assertThat(data).isInstanceOfSatisfying(
					dev.portcullis.contract.revocation.FeedHeartbeat.class, (heartbeat) -> assertThat(heartbeat.lastId()).isEqualTo(3)))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void afterWhenAfterBeyondTheLastIdThenResyncThenAllHeld() {
		this.log.append(List.of(event(1), event(2)), 2);
		StepVerifier.create(this.stream.after(5, null))
			.assertNext((sse) -> assertResync(sse, 2))
			.assertNext((sse) -> assertThat(sse.id()).isEqualTo("1"))
			.assertNext((sse) -> assertThat(sse.id()).isEqualTo("2"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void afterWhenAfterNamesAnotherEventThanTheSubscriberAppliedThenResyncThenAllHeld() {
		this.log.append(List.of(event(1), event(2), event(3)), 3);
		StepVerifier.create(this.stream.after(2, event(2).at() + 1))
			.assertNext((sse) -> assertResync(sse, 3))
			.assertNext((sse) -> assertThat(sse.id()).isEqualTo("1"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(this.stream.after(2, event(2).at()))
			.assertNext((sse) -> assertThat(sse.id()).as("the same event: no resync").isEqualTo("3"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void afterWhenLogRewoundUnderAnOpenStreamThenResyncThenReplayThenEventsReusingIds() {
		this.log.append(List.of(event(1), event(2), event(3), event(4)), 4);
		StepVerifier.create(this.stream.after(4, event(4).at()))
			.then(() -> this.log.rewind(List.of(event(1)), 1))
			.assertNext((sse) -> assertResync(sse, 1))
			.assertNext((sse) -> assertThat(sse.id()).isEqualTo("1"))
			.then(() -> this.log.append(List.of(new RevocationEvent(2, RevocationEvent.SESSION, "s-new", 2_000L,
					Long.MAX_VALUE)), 2))
			.assertNext((sse) -> assertThat(sse.data()).isInstanceOfSatisfying(RevocationEvent.class,
					(event) -> assertThat(event.subject()).isEqualTo("s-new")))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	static void assertResync(ServerSentEvent<Object> sse, long lastId) {
		assertThat(sse.event()).isEqualTo(RevocationFeed.EVENT_RESYNC);
		assertThat(sse.data()).isInstanceOfSatisfying(dev.portcullis.contract.revocation.FeedHeartbeat.class,
				(heartbeat) -> assertThat(heartbeat.lastId()).isEqualTo(lastId));
	}

	static RevocationEvent event(long id) {
		return new RevocationEvent(id, RevocationEvent.SESSION, "s-" + id, 1_000L, Long.MAX_VALUE);
	}

}
