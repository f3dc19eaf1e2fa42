package dev.portcullis.auth.user;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.support.Times;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/**
 * Exponential slow-down of failed logins per email address, kept in the database so that every
 * replica sees it. Keyed by the address whether or not an account exists, so the slow-down tells
 * nobody which addresses are registered.
 */
@Component
class LoginThrottle {

	/** A run of failures older than this is forgotten. */
	static final Duration FORGET_AFTER = Duration.ofDays(1);

	private final DatabaseClient db;

	private final AuthProperties.Login settings;

	LoginThrottle(DatabaseClient db, AuthProperties properties) {
		this.db = db;
		this.settings = properties.login();
	}

	/** Fails with {@link ErrorCode#TOO_MANY_ATTEMPTS} while the address is slowed down. */
	Mono<Void> checkAllowed(String email, Instant now) {
		return this.db.sql("SELECT blocked_until FROM login_attempts WHERE email = :email")
			.bind("email", email)
			.map((row) -> Optional.ofNullable(Times.instant(row, "blocked_until")))
			.one()
			.flatMap((blockedUntil) -> blockedUntil.filter(now::isBefore)
				.map((until) -> Mono.<Void>error(tooMany(Duration.between(now, until))))
				.orElse(Mono.empty()));
	}

	Mono<Void> recordFailure(String email, Instant now) {
		return increment(email, now)
			.flatMap((updated) -> (updated > 0) ? Mono.just(updated) : insertFirst(email, now))
			.then(failures(email))
			.flatMap((failures) -> block(email, delayAfter(failures).map(now::plus).orElse(null)));
	}

	Mono<Void> reset(String email) {
		return this.db.sql("DELETE FROM login_attempts WHERE email = :email").bind("email", email).then();
	}

	Optional<Duration> delayAfter(int failures) {
		if (failures < this.settings.freeAttempts()) {
			return Optional.empty();
		}
		int doublings = Math.min(failures - this.settings.freeAttempts(), 30);
		Duration delay = this.settings.initialDelay().multipliedBy(1L << doublings);
		return Optional.of((delay.compareTo(this.settings.maxDelay()) > 0) ? this.settings.maxDelay() : delay);
	}

	private Mono<Long> increment(String email, Instant now) {
		return this.db
			.sql("UPDATE login_attempts SET failures = CASE WHEN last_failure_at < :forget THEN 1 ELSE failures + 1 END, "
					+ "last_failure_at = :now WHERE email = :email")
			.bind("forget", Times.db(now.minus(FORGET_AFTER)))
			.bind("now", Times.db(now))
			.bind("email", email)
			.fetch()
			.rowsUpdated();
	}

	private Mono<Long> insertFirst(String email, Instant now) {
		return this.db.sql("INSERT INTO login_attempts (email, failures, last_failure_at) VALUES (:email, 1, :now)")
			.bind("email", email)
			.bind("now", Times.db(now))
			.fetch()
			.rowsUpdated()
			// Another replica inserted the first failure a moment ago: count this one on top.
			.onErrorResume(DataIntegrityViolationException.class, (ex) -> increment(email, now));
	}

	private Mono<Integer> failures(String email) {
		return this.db.sql("SELECT failures FROM login_attempts WHERE email = :email")
			.bind("email", email)
			.map((row) -> row.get("failures", Integer.class))
			.one();
	}

	private Mono<Void> block(String email, Instant until) {
		return this.db.sql("UPDATE login_attempts SET blocked_until = :until WHERE email = :email")
			.bind("until", Parameter.fromOrEmpty(Times.db(until), OffsetDateTime.class))
			.bind("email", email)
			.then();
	}

	static AuthException tooMany(Duration wait) {
		Duration retryAfter = Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000));
		return new AuthException(ErrorCode.TOO_MANY_ATTEMPTS, "Too many failed logins for this account; try again later",
				retryAfter, null);
	}

}
