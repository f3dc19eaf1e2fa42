package dev.portcullis.auth.support;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class BatchesTests {

	private final AtomicInteger runs = new AtomicInteger();

	@Test
	void repeatWhenBatchesFullThenRunsAgainUntilAShortOneAndSums() {
		Batches.repeat(3, touching(3L, 3L, 1L)).as(StepVerifier::create).expectNext(7L).verifyComplete();
		assertThat(this.runs).hasValue(3);
	}

	@Test
	void repeatWhenLastFullBatchEmptiedTheBacklogThenOneMoreRunTouchesNothing() {
		Batches.repeat(2, touching(2L, 2L, 0L)).as(StepVerifier::create).expectNext(4L).verifyComplete();
		assertThat(this.runs).hasValue(3);
	}

	@Test
	void repeatWhenNothingToTouchThenRunsOnce() {
		Batches.repeat(1000, touching(0L)).as(StepVerifier::create).expectNext(0L).verifyComplete();
		assertThat(this.runs).hasValue(1);
	}

	@Test
	void repeatWhenNotSubscribedThenRunsNothing() {
		Batches.repeat(1000, touching(0L));
		assertThat(this.runs).hasValue(0);
	}

	@Test
	void repeatWhenAStatementFailsThenFailsWithoutRunningAgain() {
		IllegalStateException failure = new IllegalStateException("lost the connection");
		Batches.repeat(2, () -> (this.runs.incrementAndGet() == 1) ? Mono.just(2L) : Mono.error(failure))
			.as(StepVerifier::create)
			.verifyErrorMatches((ex) -> ex == failure);
		assertThat(this.runs).hasValue(2);
	}

	/** A statement that touches these many rows on its first, second, ... run. */
	private Supplier<Mono<Long>> touching(Long... rows) {
		Queue<Long> results = new ArrayDeque<>(List.of(rows));
		return () -> Mono.fromSupplier(() -> {
			this.runs.incrementAndGet();
			return results.remove();
		});
	}

}
