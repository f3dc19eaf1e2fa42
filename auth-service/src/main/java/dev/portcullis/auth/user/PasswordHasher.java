package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id (RFC 9106) hashing on a bounded pool of its own, never on an event-loop thread. When
 * every thread is busy and the queue is full the caller gets {@link ErrorCode#BUSY} at once
 * instead of waiting without bound. Reactor bounds the queue per thread: up to
 * {@code queue-capacity} tasks wait for each of the pool's threads.
 *
 * <p>Registrations hash on a second, smaller pool (half the threads, at least one), so that a
 * flood of them queues behind itself and never in front of a login: they can take at most that
 * share of the cores from logins.
 *
 * <p>Meters: {@code portcullis.auth.hashing.queued} (checks waiting for a thread),
 * {@code portcullis.auth.hashing.wait} (from submission to the start of hashing) and
 * {@code portcullis.auth.hashing.duration} by {@code operation} ({@code hash} or {@code verify}).
 */
@Component
public class PasswordHasher implements DisposableBean {

	private static final int SALT_LENGTH = 16;

	private static final int HASH_LENGTH = 32;

	private final Argon2PasswordEncoder encoder;

	private final Scheduler scheduler;

	private final Scheduler registrations;

	private final String dummyHash;

	private final AtomicLong verifications = new AtomicLong();

	private final AtomicInteger queued = new AtomicInteger();

	private final Timer waitTimer;

	private final Timer hashTimer;

	private final Timer verifyTimer;

	public PasswordHasher(AuthProperties properties, MeterRegistry registry) {
		AuthProperties.Hashing hashing = properties.hashing();
		this.encoder = new Argon2PasswordEncoder(SALT_LENGTH, HASH_LENGTH, hashing.parallelism(), hashing.memoryKib(),
				hashing.iterations());
		this.scheduler = Schedulers.newBoundedElastic(hashing.effectiveThreads(), hashing.queueCapacity(), "argon2", 60, true);
		this.registrations = Schedulers.newBoundedElastic(Math.max(1, hashing.effectiveThreads() / 2), hashing.queueCapacity(),
				"argon2-register", 60, true);
		// Verified against when the account does not exist, so that answer costs a full hash too.
		this.dummyHash = this.encoder.encode("portcullis dummy password for unknown accounts");
		Gauge.builder("portcullis.auth.hashing.queued", this.queued, AtomicInteger::get)
			.description("Password hashes and checks waiting for a hashing thread")
			.register(registry);
		this.waitTimer = Timer.builder("portcullis.auth.hashing.wait")
			.description("Time from submitting a password hash or check to its start on a hashing thread")
			.publishPercentileHistogram()
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(registry);
		this.hashTimer = durationTimer("hash", registry);
		this.verifyTimer = durationTimer("verify", registry);
	}

	private static Timer durationTimer(String operation, MeterRegistry registry) {
		return Timer.builder("portcullis.auth.hashing.duration")
			.description("Time spent computing Argon2id on a hashing thread")
			.tag("operation", operation)
			.publishPercentileHistogram()
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(registry);
	}

	public Mono<String> hash(String password) {
		return offload(this.scheduler, this.hashTimer, () -> this.encoder.encode(password));
	}

	/** {@link #hash} for a new account, on the registrations' own share of the cores. */
	public Mono<String> hashForRegistration(String password) {
		return offload(this.registrations, this.hashTimer, () -> this.encoder.encode(password));
	}

	/**
	 * Checks {@code password} against {@code storedHash}, or against a dummy hash when there is
	 * no account, so both cost the same.
	 */
	public Mono<Verification> verify(String password, String storedHash) {
		return offload(this.scheduler, this.verifyTimer, () -> {
			this.verifications.incrementAndGet();
			if (storedHash == null) {
				this.encoder.matches(password, this.dummyHash);
				return Verification.FAILED;
			}
			if (!this.encoder.matches(password, storedHash)) {
				return Verification.FAILED;
			}
			return this.encoder.upgradeEncoding(storedHash) ? Verification.MATCHED_NEEDS_REHASH : Verification.MATCHED;
		});
	}

	/** How many passwords {@link #verify} has checked since start-up; the throttle tests count guesses with it. */
	long verifications() {
		return this.verifications.get();
	}

	/**
	 * Runs {@code work} on the hashing pool, counting it as queued from subscription until it
	 * starts, or until it is refused or cancelled before it starts.
	 */
	private <T> Mono<T> offload(Scheduler pool, Timer duration, Callable<T> work) {
		return Mono.defer(() -> {
			Queued task = new Queued(System.nanoTime());
			this.queued.incrementAndGet();
			return Mono.fromCallable(() -> {
				long started = System.nanoTime();
				if (task.leave()) {
					this.waitTimer.record(started - task.submitted, TimeUnit.NANOSECONDS);
				}
				try {
					return work.call();
				}
				finally {
					duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
				}
			}).subscribeOn(pool).doFinally((signal) -> task.leave());
		})
			.onErrorMap(RejectedExecutionException.class, (ex) -> new AuthException(ErrorCode.BUSY,
					"Too many password checks in progress; try again shortly", Duration.ofSeconds(1), ex));
	}

	@Override
	public void destroy() {
		this.scheduler.dispose();
		this.registrations.dispose();
	}

	/** A task in the queue; it leaves once, when it starts or when it will never start. */
	private final class Queued extends AtomicBoolean {

		private final long submitted;

		Queued(long submitted) {
			this.submitted = submitted;
		}

		/** Takes the task out of the queue count; true the first time only. */
		boolean leave() {
			if (compareAndSet(false, true)) {
				PasswordHasher.this.queued.decrementAndGet();
				return true;
			}
			return false;
		}

	}

	/** The outcome of a password check. */
	public enum Verification {

		MATCHED, MATCHED_NEEDS_REHASH, FAILED;

		public boolean matched() {
			return this != FAILED;
		}

	}

}
