package dev.portcullis.auth.maintenance;

import java.time.Clock;
import java.time.Instant;

import dev.portcullis.auth.audit.AuditLog;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.proof.SessionBinding;
import dev.portcullis.auth.session.SessionService;
import dev.portcullis.auth.user.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes, every {@code portcullis.auth.purge.interval}, what no answer depends on any more:
 * sealed grace-window successors, sessions (with their refresh tokens) and audit events past
 * retention, stale attempt budgets of the login throttle, replay records of stale proofs. Each feature deletes its own rows, in batches, by its
 * own rules; this only says when, how long ended things are kept, and how big a batch is. The
 * features run one after another, so a purge runs one statement at a time.
 */
@Component
class Purge {

	private static final Logger logger = LoggerFactory.getLogger(Purge.class);

	private final SessionService sessions;

	private final AuditLog audit;

	private final UserService users;

	private final SessionBinding binding;

	private final Clock clock;

	private final AuthProperties.Purge settings;

	Purge(SessionService sessions, AuditLog audit, UserService users, SessionBinding binding, Clock clock,
			AuthProperties properties) {
		this.sessions = sessions;
		this.audit = audit;
		this.users = users;
		this.binding = binding;
		this.clock = clock;
		this.settings = properties.purge();
	}

	@Scheduled(initialDelayString = "${portcullis.auth.purge.interval:10m}",
			fixedDelayString = "${portcullis.auth.purge.interval:10m}")
	Mono<Long> run() {
		Instant now = this.clock.instant();
		Instant retained = now.minus(this.settings.retention());
		int batch = this.settings.batchSize();
		return Flux
			.concat(this.sessions.purge(now, retained, batch), this.audit.purge(retained, batch),
					this.users.purgeLoginAttempts(now, batch), this.binding.purge(now, batch))
			.reduce(0L, Long::sum)
			.doOnNext((rows) -> {
				if (rows > 0) {
					logger.info("Purged {} expired rows", rows);
				}
			});
	}

}
