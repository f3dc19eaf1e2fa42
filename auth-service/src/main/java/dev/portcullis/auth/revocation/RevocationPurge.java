package dev.portcullis.auth.revocation;

import java.time.Clock;
import java.time.Instant;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.support.Batches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Deletes events past their {@code valid_until}, in batches, on a schedule of its own. */
@Component
class RevocationPurge {

	private static final Logger logger = LoggerFactory.getLogger(RevocationPurge.class);

	private final RevocationRepository repository;

	private final Clock clock;

	private final int batch;

	RevocationPurge(RevocationRepository repository, Clock clock, AuthProperties properties) {
		this.repository = repository;
		this.clock = clock;
		this.batch = properties.purge().batchSize();
	}

	@Scheduled(initialDelayString = "${portcullis.auth.revocation.purge-interval:5m}",
			fixedDelayString = "${portcullis.auth.revocation.purge-interval:5m}")
	Mono<Long> run() {
		Instant now = this.clock.instant();
		return Batches.repeat(this.batch, () -> this.repository.deleteExpired(now, this.batch))
			.doOnNext((rows) -> {
				if (rows > 0) {
					logger.info("Purged {} expired revocation events", rows);
				}
			});
	}

}
