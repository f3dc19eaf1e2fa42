package dev.portcullis.auth.user;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataIntegrityViolationException;
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

	private final LoginAttemptRepository attempts;

	private final AuthProperties.Login settings;

	LoginThrottle(LoginAttemptRepository attempts, AuthProperties properties) {
		this.attempts = attempts;
		this.settings = properties.login();
	}

	/** Fails with {@link ErrorCode#TOO_MANY_ATTEMPTS} while the address is slowed down. */
	Mono<Void> checkAllowed(String email, Instant now) {
		return this.attempts.findBlockedUntil(email)
			.flatMap((blockedUntil) -> blockedUntil.filter(now::isBefore)
				.map((until) -> Mono.<Void>error(tooMany(Duration.between(now, until))))
				.orElse(Mono.empty()));
	}

	Mono<Void> recordFailure(String email, Instant now) {
		return increment(email, now)
			.flatMap((updated) -> (updated > 0) ? Mono.just(updated) : insertFirst(email, now))
			.then(this.attempts.findFailures(email))
			.flatMap((failures) -> this.attempts.block(email, delayAfter(failures).map(now::plus).orElse(null)));
	}

	Mono<Void> reset(String email) {
		return this.attempts.delete(email);
	}

	/**
	 * Forgets addresses whose last failure is older than the longest block plus
	 * {@link #FORGET_AFTER}: their block is over and their run would start again anyway.
	 */
	Mono<Long> purge(Instant now, int batchSize) {
		return this.attempts.deleteLastFailureBefore(now.minus(this.settings.maxDelay()).minus(FORGET_AFTER), batchSize);
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
		return this.attempts.increment(email, now, now.minus(FORGET_AFTER));
	}

	private Mono<Long> insertFirst(String email, Instant now) {
		return this.attempts.insertFirst(email, now)
			// Another replica inserted the first failure a moment ago: count this one on top.
			.onErrorResume(DataIntegrityViolationException.class, (ex) -> increment(email, now));
	}

	static AuthException tooMany(Duration wait) {
		Duration retryAfter = Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000));
		return new AuthException(ErrorCode.TOO_MANY_ATTEMPTS, "Too many failed logins for this account; try again later",
				retryAfter, null);
	}

}
