package dev.portcullis.auth.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.support.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what no answer depends on any more, in batches so no statement holds locks for long:
 * sealed grace-window successors once the window has passed, sessions (with their refresh
 * tokens) and audit events past retention, stale login-attempt counters.
 */
@Component
class Purge {

	private static final Logger logger = LoggerFactory.getLogger(Purge.class);

	private final DatabaseClient db;

	private final Clock clock;

	private final AuthProperties properties;

	Purge(DatabaseClient db, Clock clock, AuthProperties properties) {
		this.db = db;
		this.clock = clock;
		this.properties = properties;
	}

	@Scheduled(initialDelayString = "${portcullis.auth.purge.interval:10m}",
			fixedDelayString = "${portcullis.auth.purge.interval:10m}")
	Mono<Long> run() {
		Instant now = this.clock.instant();
		Instant retained = now.minus(this.properties.purge().retention());
		int batch = this.properties.purge().batchSize();
		Instant graceOver = now.minus(this.properties.refreshGrace());
		return Flux.concat(
				batches("UPDATE refresh_tokens SET successor_sealed = NULL WHERE token_hash IN (SELECT token_hash FROM "
						+ "refresh_tokens WHERE successor_sealed IS NOT NULL AND consumed_at < :cutoff LIMIT :batch)", graceOver,
						batch),
				batches("DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < :cutoff "
						+ "OR revoked_at < :cutoff LIMIT :batch)", retained, batch),
				batches("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE occurred_at < :cutoff "
						+ "LIMIT :batch)", retained, batch),
				batches("DELETE FROM login_attempts WHERE email IN (SELECT email FROM login_attempts WHERE last_failure_at < "
						+ ":cutoff LIMIT :batch)", now.minus(this.properties.login().maxDelay()).minus(Duration.ofDays(1)),
						batch))
			.reduce(0L, Long::sum)
			.doOnNext((rows) -> {
				if (rows > 0) {
					logger.info("Purged {} expired rows", rows);
				}
			});
	}

	/** Repeats one batched statement until it touches fewer rows than a full batch. */
	private Mono<Long> batches(String sql, Instant cutoff, int batch) {
		return this.db.sql(sql)
			.bind("cutoff", Times.db(cutoff))
			.bind("batch", batch)
			.fetch()
			.rowsUpdated()
			.expand((rows) -> (rows >= batch) ? this.db.sql(sql)
				.bind("cutoff", Times.db(cutoff))
				.bind("batch", batch)
				.fetch()
				.rowsUpdated() : Mono.empty())
			.reduce(0L, Long::sum);
	}

}
