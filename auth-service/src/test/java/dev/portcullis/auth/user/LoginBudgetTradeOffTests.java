package dev.portcullis.auth.user;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.support.AuthServiceTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attacker with 100 client addresses gets out of the login budgets, with the shipped
 * settings, on the real database: the throttle alone, on a simulated clock (no Argon2, so
 * thousands of attempts run in seconds). The attacker stops an address's burst at its first
 * refusal, and the targeted attack waits as Retry-After says, which costs it no guess and keeps
 * the simulation short. Each address is in its own /24, the worst
 * case for the per-client budget. README's security model quotes the figures this prints.
 */
@AuthServiceTest
class LoginBudgetTradeOffTests {

	static final int ADDRESSES = 100;

	static final Duration PERIOD = Duration.ofMinutes(15);

	@Autowired
	LoginThrottle throttle;

	@Autowired
	DatabaseClient db;

	/** A /16 of its own per run, so other runs and other test classes share no bucket with it. */
	private final int net = ThreadLocalRandom.current().nextInt(1, 255);

	private final String run = Long.toString(System.nanoTime(), 36);

	private Instant start;

	@BeforeEach
	void setUp() {
		clearGlobalBudget();
		// a fresh 15-minute window, so every budget starts the simulation full
		long period = PERIOD.toMillis();
		this.start = Instant.ofEpochMilli((Instant.now().toEpochMilli() / period + 1) * period);
	}

	/** The global budget is one row shared with every test class. */
	@AfterEach
	void clearGlobalBudget() {
		this.db.sql("DELETE FROM attempt_budgets WHERE bucket = 'global'").then().block(Duration.ofSeconds(10));
	}

	@Test
	void reserveLoginWhenOneHundredAddressesSprayAllAccountsThenNewClientsOfKnownUsersAreNotRefused() {
		AtomicInteger guesses = new AtomicInteger();
		AtomicInteger refusedUsers = new AtomicInteger();
		int users = 0;
		int minutes = 3 * (int) PERIOD.toMinutes();
		int firstPeriod = 0;
		// every minute each address tries up to 4 new accounts (more than its budget allows) until
		// refused, ignoring Retry-After (an attack mode may have ended early); and one real user
		// logs in from a new address
		for (int minute = 0; minute < minutes; minute++) {
			if (minute == PERIOD.toMinutes()) {
				firstPeriod = guesses.get();
			}
			Instant now = this.start.plus(Duration.ofMinutes(minute));
			int m = minute;
			Flux.range(0, ADDRESSES)
				.flatMap((n) -> spray(n, "spray-" + this.run + "-" + m + "-" + n + "-", 4, now, guesses), 4)
				.blockLast(Duration.ofMinutes(2));
			String user = "user-" + this.run + "-" + minute;
			String newAddress = "203." + this.net + "." + minute + ".9";
			boolean refused = this.throttle.reserveLogin(user, newAddress, false, now.plusSeconds(30))
				.flatMap((reservation) -> this.throttle.succeeded(reservation).thenReturn(false))
				.onErrorResume(AuthException.class, (ex) -> Mono.just(true))
				.block(Duration.ofSeconds(10));
			users++;
			if (refused) {
				refusedUsers.incrementAndGet();
			}
		}
		System.out.printf("login trade-off, 100 addresses spraying for %d min: %d guesses checked (%d in the first 15 min); "
				+ "%d of %d users logging in from a new address refused%n", minutes, guesses.get(), firstPeriod,
				refusedUsers.get(), users);
		assertThat(refusedUsers.get()).as("users at a new address refused while the attack runs").isZero();
		assertThat(guesses.get()).as("guesses the attacker got checked in 45 min").isLessThanOrEqualTo(3 * 3000);
	}

	@Test
	void reserveLoginWhenOneAccountIsTargetedAndItsOwnerLogsInElsewhereThenTheBackOffIsKept() {
		String victim = "victim-" + this.run + "@example.org";
		int alone = targeted(victim + ".alone", false);
		int withOwner = targeted(victim, true);
		System.out.printf("login trade-off, 100 addresses on one account for 15 min: %d guesses checked; "
				+ "%d when its owner also logs in from new addresses%n", alone, withOwner);
		assertThat(alone).isLessThanOrEqualTo(16);
		assertThat(withOwner).as("guesses with the owner's logins in between").isLessThanOrEqualTo(alone);
	}

	/**
	 * A guess a second at {@code email} whenever Retry-After allows, rotating over the addresses;
	 * when {@code ownerLogsIn}, its owner logs in from a new address as soon as the account lets a
	 * login through after the 5th and after the 10th minute (before the attacker's guess of that
	 * second). Returns how many guesses were checked.
	 */
	private int targeted(String email, boolean ownerLogsIn) {
		AtomicInteger guesses = new AtomicInteger();
		List<Integer> ownerAt = ownerLogsIn ? List.of(300, 600) : List.of();
		int ownerLogins = 0;
		Instant attackerWaits = this.start;
		Instant ownerWaits = this.start;
		for (int second = 0; second < PERIOD.toSeconds(); second++) {
			Instant now = this.start.plusSeconds(second);
			if (ownerLogins < ownerAt.size() && second >= ownerAt.get(ownerLogins) && !ownerWaits.isAfter(now)) {
				String elsewhere = "192." + this.net + "." + ownerLogins + ".1";
				Optional<Duration> refused = this.throttle.reserveLogin(email, elsewhere, false, now)
					.flatMap((reservation) -> this.throttle.succeeded(reservation).thenReturn(Optional.<Duration>empty()))
					.onErrorResume(AuthException.class, (ex) -> Mono.just(Optional.of(ex.retryAfter())))
					.block(Duration.ofSeconds(10));
				if (refused.isEmpty()) {
					ownerLogins++;
				}
				else {
					ownerWaits = now.plus(refused.get());
				}
			}
			if (!attackerWaits.isAfter(now)) {
				Optional<Duration> refused = guess(email, attacker(second % ADDRESSES), now, guesses)
					.block(Duration.ofSeconds(10));
				if (refused.isPresent()) {
					attackerWaits = now.plus(refused.get());
				}
			}
		}
		if (ownerLogsIn) {
			System.out.printf("login trade-off: the targeted account's owner got in %d of %d times from a new address%n",
					ownerLogins, ownerAt.size());
			assertThat(ownerLogins).isPositive();
		}
		return guesses.get();
	}

	/** Up to {@code tries} guesses from address {@code n} at new accounts until refused; emits Retry-After then. */
	private Mono<Duration> spray(int n, String accountPrefix, int tries, Instant now, AtomicInteger guesses) {
		if (tries == 0) {
			return Mono.empty();
		}
		return guess(accountPrefix + tries, attacker(n), now, guesses).flatMap((refused) -> refused.map(Mono::just)
			.orElseGet(() -> spray(n, accountPrefix, tries - 1, now, guesses)));
	}

	/** One wrong guess; emits empty when it was checked, or how long Retry-After said to wait. */
	private Mono<Optional<Duration>> guess(String email, String ip, Instant now, AtomicInteger guesses) {
		return this.throttle.reserveLogin(email, ip, false, now)
			.flatMap((reservation) -> {
				guesses.incrementAndGet();
				return this.throttle.failed(reservation, now).thenReturn(Optional.<Duration>empty());
			})
			.onErrorResume(AuthException.class, (ex) -> Mono.just(Optional.of(ex.retryAfter())));
	}

	/** Address {@code n} of the attacker's 100, each in a /24 of its own. */
	private String attacker(int n) {
		return "100." + this.net + "." + n + ".1";
	}

}
