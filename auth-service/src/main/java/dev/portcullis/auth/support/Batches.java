package dev.portcullis.auth.support;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Clears a backlog with a LIMITed statement run again and again until it touches fewer rows than
 * a full batch, so that no single statement holds its locks for long.
 */
public final class Batches {

	private Batches() {
	}

	/**
	 * @param batchSize the statement's LIMIT
	 * @param statement runs the statement once more and emits the number of rows it touched
	 * @return the rows touched by all runs
	 */
	public static Mono<Long> repeat(int batchSize, Supplier<Mono<Long>> statement) {
		return Mono.defer(statement)
			.expand((rows) -> (rows >= batchSize) ? Mono.defer(statement) : Mono.empty())
			.reduce(0L, Long::sum);
	}

}
