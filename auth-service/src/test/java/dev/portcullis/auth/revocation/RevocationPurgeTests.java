package dev.portcullis.auth.revocation;

import java.time.Duration;
import java.util.UUID;

import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.portcullis.auth.revocation.RevocationTestSupport.TIMEOUT;
import static dev.portcullis.auth.revocation.RevocationTestSupport.kindsAndSubjects;
import static org.assertj.core.api.Assertions.assertThat;

@AuthServiceTest
class RevocationPurgeTests {

	@Autowired
	RevocationPurge purge;

	@Autowired
	Revocations revocations;

	@Autowired
	RevocationRepository repository;

	@Autowired
	MutableClock clock;

	@Test
	void runWhenEventsPastValidUntilThenDeletesOnlyThose() {
		UUID over = UUID.randomUUID();
		UUID live = UUID.randomUUID();
		// valid_until = at + 15m access TTL + 1m margin
		this.revocations.record(Revocation.session(over, this.clock.instant().minus(Duration.ofMinutes(16).plusSeconds(1))))
			.block(TIMEOUT);
		this.revocations.record(Revocation.session(live, this.clock.instant().minus(Duration.ofMinutes(15))))
			.block(TIMEOUT);

		this.purge.run().as(StepVerifier::create)
			.assertNext((deleted) -> assertThat(deleted).isPositive())
			.verifyComplete();

		assertThat(kindsAndSubjects(this.repository, 0)).doesNotContain("session:" + over).contains("session:" + live);
	}

}
