package dev.portcullis.auth.user;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.portcullis.auth.support.AuthServiceTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;

import static dev.portcullis.auth.support.AuthClient.uniqueEmail;

@AuthServiceTest
class LoginAttemptRepositoryTests {

	static final Instant T0 = Instant.parse("2001-02-03T04:05:06Z");

	@Autowired
	LoginAttemptRepository attempts;

	@Test
	void incrementWhenNoRowThenTouchesNothingAndInsertFirstStartsTheRunAtOne() {
		String email = uniqueEmail();
		this.attempts.increment(email, T0, T0.minus(Duration.ofDays(1))).as(StepVerifier::create).expectNext(0L).verifyComplete();
		this.attempts.findBlockedUntil(email).as(StepVerifier::create).verifyComplete();
		this.attempts.insertFirst(email, T0).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.attempts.findFailures(email).as(StepVerifier::create).expectNext(1).verifyComplete();
		this.attempts.findBlockedUntil(email).as(StepVerifier::create).expectNext(Optional.empty()).verifyComplete();
	}

	@Test
	void insertFirstWhenRowExistsThenDataIntegrityViolationAndCountUnchanged() {
		String email = uniqueEmail();
		this.attempts.insertFirst(email, T0).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.attempts.insertFirst(email, T0.plusSeconds(1))
			.as(StepVerifier::create)
			.expectError(DataIntegrityViolationException.class)
			.verify();
		this.attempts.findFailures(email).as(StepVerifier::create).expectNext(1).verifyComplete();
	}

	@Test
	void incrementWhenLastFailureBeforeForgetCutoffThenRunStartsAgainAtOne() {
		String email = uniqueEmail();
		this.attempts.insertFirst(email, T0).as(StepVerifier::create).expectNext(1L).verifyComplete();
		Instant soon = T0.plus(Duration.ofHours(1));
		this.attempts.increment(email, soon, soon.minus(Duration.ofDays(1))).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.attempts.findFailures(email).as(StepVerifier::create).expectNext(2).verifyComplete();
		Instant later = T0.plus(Duration.ofDays(3));
		this.attempts.increment(email, later, later.minus(Duration.ofDays(1))).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.attempts.findFailures(email).as(StepVerifier::create).expectNext(1).verifyComplete();
	}

	@Test
	void blockWhenUntilGivenThenFoundAndNullUnblocks() {
		String email = uniqueEmail();
		Instant until = T0.plus(Duration.ofMinutes(15));
		this.attempts.insertFirst(email, T0).then(this.attempts.block(email, until)).as(StepVerifier::create).verifyComplete();
		this.attempts.findBlockedUntil(email).as(StepVerifier::create).expectNext(Optional.of(until)).verifyComplete();
		this.attempts.block(email, null).as(StepVerifier::create).verifyComplete();
		this.attempts.findBlockedUntil(email).as(StepVerifier::create).expectNext(Optional.empty()).verifyComplete();
	}

	@Test
	void deleteLastFailureBeforeWhenMoreStaleRowsThanABatchThenDeletesThemAllAndKeepsTheRest() {
		Instant stale = Instant.parse("1999-06-01T00:00:00Z");
		Instant cutoff = Instant.parse("1999-07-01T00:00:00Z");
		String kept = uniqueEmail();
		Flux.range(0, 5)
			.concatMap((i) -> this.attempts.insertFirst(uniqueEmail(), stale.plusSeconds(i)))
			.then(this.attempts.insertFirst(kept, cutoff))
			.then(this.attempts.deleteLastFailureBefore(cutoff, 2))
			.as(StepVerifier::create)
			.expectNext(5L)
			.verifyComplete();
		this.attempts.findFailures(kept).as(StepVerifier::create).expectNext(1).verifyComplete();
	}

	@Test
	void deleteWhenRowExistsThenTheAddressStartsAfresh() {
		String email = uniqueEmail();
		this.attempts.insertFirst(email, T0).then(this.attempts.delete(email)).as(StepVerifier::create).verifyComplete();
		this.attempts.findFailures(email).as(StepVerifier::create).verifyComplete();
	}

}
