package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTests {

	SimpleMeterRegistry registry = new SimpleMeterRegistry();

	PasswordHasher hasher = new PasswordHasher(TestProperties.withHashing(new AuthProperties.Hashing(19456, 2, 1, 1, 1)),
			this.registry);

	@AfterEach
	void tearDown() {
		this.hasher.destroy();
	}

	@Test
	void hashWhenCalledThenArgon2idAtOwaspMinimumOnItsOwnThread() {
		StepVerifier.create(this.hasher.hash("a long enough password").map((hash) -> List.of(hash, Thread.currentThread().getName())))
			.assertNext((result) -> {
				assertThat(result.get(0)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
				assertThat(result.get(1)).startsWith("argon2");
			})
			.verifyComplete();
	}

	@Test
	void verifyWhenPasswordMatchesOrNotThenSaysSo() {
		String hash = this.hasher.hash("a long enough password").block(Duration.ofSeconds(10));
		StepVerifier.create(this.hasher.verify("a long enough password", hash)).expectNext(PasswordHasher.Verification.MATCHED).verifyComplete();
		StepVerifier.create(this.hasher.verify("another password", hash)).expectNext(PasswordHasher.Verification.FAILED).verifyComplete();
		StepVerifier.create(this.hasher.verify("any password", null)).expectNext(PasswordHasher.Verification.FAILED).verifyComplete();
	}

	@Test
	void verifyWhenParametersRaisedThenAsksForRehash() {
		String hash = this.hasher.hash("a long enough password").block(Duration.ofSeconds(10));
		PasswordHasher stronger = new PasswordHasher(TestProperties.withHashing(new AuthProperties.Hashing(19456, 3, 1, 1, 4)),
				new SimpleMeterRegistry());
		try {
			StepVerifier.create(stronger.verify("a long enough password", hash))
				.expectNext(PasswordHasher.Verification.MATCHED_NEEDS_REHASH)
				.verifyComplete();
		}
		finally {
			stronger.destroy();
		}
	}

	@Test
	void hashWhenQueueFullThenBusyInsteadOfWaiting() {
		List<Object> outcomes = Flux.range(0, 8)
			.flatMap((i) -> this.hasher.hash("password number " + i).<Object>map((hash) -> "ok")
				.onErrorResume(AuthException.class, (ex) -> Mono.just(ex.code())))
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(outcomes).contains("ok").contains(ErrorCode.BUSY);
	}

	@Test
	void hashWhenQueuedOrRefusedThenTimedAndQueueCountReturnsToZero() {
		List<Object> outcomes = Flux.range(0, 8)
			.flatMap((i) -> this.hasher.hash("password number " + i).<Object>map((hash) -> "ok")
				.onErrorResume(AuthException.class, (ex) -> Mono.just(ex.code())))
			.collectList()
			.block(Duration.ofSeconds(30));
		long hashed = outcomes.stream().filter("ok"::equals).count();
		assertThat(hashed).isPositive();
		assertThat(this.registry.get("portcullis.auth.hashing.duration").tag("operation", "hash").timer().count())
			.isEqualTo(hashed);
		assertThat(this.registry.get("portcullis.auth.hashing.wait").timer().count()).isEqualTo(hashed);
		assertThat(this.registry.get("portcullis.auth.hashing.wait").timer().max(TimeUnit.NANOSECONDS))
			.isPositive();
		// refused tasks leave the queue count too, or the gauge would creep up with every 429
		assertThat(this.registry.get("portcullis.auth.hashing.queued").gauge().value()).isZero();
	}

}
