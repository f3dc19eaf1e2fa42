package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id (RFC 9106) hashing on a bounded pool of its own, never on an event-loop thread. When
 * every thread is busy and the queue is full the caller gets {@link ErrorCode#BUSY} at once
 * instead of waiting without bound.
 */
@Component
public class PasswordHasher implements DisposableBean {

	private static final int SALT_LENGTH = 16;

	private static final int HASH_LENGTH = 32;

	private final Argon2PasswordEncoder encoder;

	private final Scheduler scheduler;

	private final String dummyHash;

	private final AtomicLong verifications = new AtomicLong();

	public PasswordHasher(AuthProperties properties) {
		AuthProperties.Hashing hashing = properties.hashing();
		this.encoder = new Argon2PasswordEncoder(SALT_LENGTH, HASH_LENGTH, hashing.parallelism(), hashing.memoryKib(),
				hashing.iterations());
		this.scheduler = Schedulers.newBoundedElastic(hashing.effectiveThreads(), hashing.queueCapacity(), "argon2", 60, true);
		// Verified against when the account does not exist, so that answer costs a full hash too.
		this.dummyHash = this.encoder.encode("portcullis dummy password for unknown accounts");
	}

	public Mono<String> hash(String password) {
		return offload(Mono.fromCallable(() -> this.encoder.encode(password)));
	}

	/**
	 * Checks {@code password} against {@code storedHash}, or against a dummy hash when there is
	 * no account, so both cost the same.
	 */
	public Mono<Verification> verify(String password, String storedHash) {
		return offload(Mono.fromCallable(() -> {
			this.verifications.incrementAndGet();
			if (storedHash == null) {
				this.encoder.matches(password, this.dummyHash);
				return Verification.FAILED;
			}
			if (!this.encoder.matches(password, storedHash)) {
				return Verification.FAILED;
			}
			return this.encoder.upgradeEncoding(storedHash) ? Verification.MATCHED_NEEDS_REHASH : Verification.MATCHED;
		}));
	}

	/** How many passwords {@link #verify} has checked since start-up; the throttle tests count guesses with it. */
	long verifications() {
		return this.verifications.get();
	}

	private <T> Mono<T> offload(Mono<T> work) {
		return work.subscribeOn(this.scheduler)
			.onErrorMap(RejectedExecutionException.class, (ex) -> new AuthException(ErrorCode.BUSY,
					"Too many password checks in progress; try again shortly", Duration.ofSeconds(1), ex));
	}

	@Override
	public void destroy() {
		this.scheduler.dispose();
	}

	/** The outcome of a password check. */
	public enum Verification {

		MATCHED, MATCHED_NEEDS_REHASH, FAILED;

		public boolean matched() {
			return this != FAILED;
		}

	}

}
