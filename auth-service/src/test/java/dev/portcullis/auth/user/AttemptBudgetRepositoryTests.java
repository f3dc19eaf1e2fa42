package dev.portcullis.auth.user;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.auth.user.AttemptBudgetRepository.Budget;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;

import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget statements, and the throttle racing itself through them: of many requests at once
 * exactly the budget gets an attempt, on this store and (in the subclass) on the embedded one.
 */
@AuthServiceTest
class AttemptBudgetRepositoryTests {

	static final Instant T0 = Instant.parse("2001-02-03T04:05:06Z");

	@Autowired
	AttemptBudgetRepository budgets;

	@Test
	void replaceWhenRowStillAsSeenThenReplacedAndOtherwiseUntouched() {
		String bucket = "account:" + uniqueEmail();
		Budget first = new Budget(1, T0, null);
		Budget second = new Budget(2, T0.plusSeconds(1), T0.plusSeconds(2));
		this.budgets.insert(bucket, first).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.replace(bucket, first, second).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.replace(bucket, first, new Budget(9, T0, null)).as(StepVerifier::create).expectNext(0L).verifyComplete();
		this.budgets.find(bucket).as(StepVerifier::create).expectNext(second).verifyComplete();
		this.budgets.insert(bucket, first).as(StepVerifier::create).expectError(DataIntegrityViolationException.class).verify();
	}

	@Test
	void takeFromWindowWhenBlockedThenRefusedUntilTheBlockEndsAndBlockingAgainDoesNotExtendIt() {
		String bucket = "client:" + uniqueEmail();
		Instant window = T0;
		Instant until = T0.plus(Duration.ofMinutes(15));
		this.budgets.insert(bucket, new Budget(1, window, null)).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.blockUntil(bucket, T0, until).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.blockUntil(bucket, T0.plusSeconds(1), until.plusSeconds(1)).as(StepVerifier::create).expectNext(0L)
			.verifyComplete();

		this.budgets.takeFromWindow(bucket, window, 100, T0.plusSeconds(60)).as(StepVerifier::create).expectNext(0L)
			.verifyComplete();
		this.budgets.takeFromWindow(bucket, until, 100, until).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.find(bucket).as(StepVerifier::create).expectNext(new Budget(1, until, until)).verifyComplete();
	}

	@Test
	void takeFromWindowWhenLimitReachedThenRefusedUntilTheNextWindowAndGiveBackReopensIt() {
		String bucket = "client:" + uniqueEmail();
		Instant window = T0;
		this.budgets.takeFromWindow(bucket, window, 2, window).as(StepVerifier::create).expectNext(0L).verifyComplete();
		this.budgets.insert(bucket, new Budget(1, window, null)).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.takeFromWindow(bucket, window, 2, window).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.takeFromWindow(bucket, window, 2, window).as(StepVerifier::create).expectNext(0L).verifyComplete();
		this.budgets.giveBackToWindow(bucket, window).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.takeFromWindow(bucket, window, 2, window).as(StepVerifier::create).expectNext(1L).verifyComplete();

		Instant next = window.plus(Duration.ofMinutes(15));
		this.budgets.takeFromWindow(bucket, next, 2, next).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.find(bucket).as(StepVerifier::create).expectNext(new Budget(1, next, null)).verifyComplete();
		// a replica whose clock is behind takes from, and gives back to, the newer window
		this.budgets.takeFromWindow(bucket, window, 2, window).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.giveBackToWindow(bucket, window).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.find(bucket).as(StepVerifier::create).expectNext(new Budget(1, next, null)).verifyComplete();
		// but never below nothing
		this.budgets.giveBackToWindow(bucket, next).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.giveBackToWindow(bucket, next).as(StepVerifier::create).expectNext(0L).verifyComplete();
	}

	@Test
	void deleteLastBeforeWhenMoreStaleRowsThanABatchThenDeletesThemAllAndKeepsTheRest() {
		Instant stale = Instant.parse("1999-06-01T00:00:00Z");
		Instant cutoff = Instant.parse("1999-07-01T00:00:00Z");
		String kept = "account:" + uniqueEmail();
		Flux.range(0, 5)
			.concatMap((i) -> this.budgets.insert("account:" + uniqueEmail(), new Budget(1, stale.plusSeconds(i), null)))
			.then(this.budgets.insert(kept, new Budget(1, cutoff, null)))
			.then(this.budgets.deleteLastBefore(cutoff, 2))
			.as(StepVerifier::create)
			.expectNext(5L)
			.verifyComplete();
		this.budgets.find(kept).as(StepVerifier::create).expectNextCount(1).verifyComplete();
	}

	@Test
	void reserveWhenManyAtOnceForOneAccountThenExactlyTheFreeAttemptsAreTaken() {
		LoginThrottle throttle = new LoginThrottle(this.budgets, properties(5, 1000, Duration.ofMinutes(15)));
		String email = uniqueEmail();
		Instant now = Instant.now();
		List<Object> outcomes = Flux.range(0, 100)
			.flatMap((i) -> throttle.reserveLogin(email, null, false, now).<Object>map((r) -> r)
				.onErrorResume(AuthException.class, (ex) -> Mono.just(ex.code())), 100)
			.collectList()
			.block(Duration.ofMinutes(1));
		assertThat(outcomes).filteredOn(LoginThrottle.Reservation.class::isInstance).hasSize(5);
		assertThat(outcomes).filteredOn(ErrorCode.TOO_MANY_ATTEMPTS::equals).hasSize(95);
	}

	@Test
	void reserveWhenManyAtOnceFromOneIpv6SubnetThenExactlyItsLimitIsTaken() {
		LoginThrottle throttle = new LoginThrottle(this.budgets, properties(5, 7, Duration.ofDays(1)));
		String address = "2001:db8:" + Integer.toHexString(uniqueEmail().hashCode() & 0xffff) + ":0::";
		Instant now = Instant.now();
		List<Object> outcomes = Flux.range(0, 60)
			.flatMap((i) -> throttle.reserveLogin(uniqueEmail(), address + Integer.toHexString(i + 1), false, now)
				.<Object>map((r) -> r)
				.onErrorResume(AuthException.class, (ex) -> Mono.just(ex.code())), 60)
			.collectList()
			.block(Duration.ofMinutes(1));
		// every address of one IPv6 /64 shares a budget
		assertThat(outcomes).filteredOn(LoginThrottle.Reservation.class::isInstance).hasSize(7);
		assertThat(outcomes).filteredOn(ErrorCode.TOO_MANY_ATTEMPTS::equals).hasSize(53);
	}

	@Test
	void takeAllWhenEveryRowExistsThenOneStatementTakesFromEachAndTheRunBlocksFromTheFreeAttempts() {
		String window = "client:" + uniqueEmail();
		String backOff = "account:" + uniqueEmail();
		Instant start = T0;
		Instant now = T0.plusSeconds(10);
		List<Instant> blocks = List.of(now.plusSeconds(1), now.plusSeconds(2), now.plusSeconds(4));
		this.budgets.insert(window, new Budget(1, start, null)).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.insert(backOff, new Budget(1, T0, null)).as(StepVerifier::create).expectNext(1L).verifyComplete();
		AttemptBudgetRepository.BackOffTake run = new AttemptBudgetRepository.BackOffTake(backOff, T0.minusSeconds(1), 3, blocks);
		List<AttemptBudgetRepository.WindowTake> windows = List.of(new AttemptBudgetRepository.WindowTake(window, start, 3));

		assertThat(this.budgets.takeAll(windows, run, now).collectList().block(Duration.ofSeconds(10)))
			.containsExactlyInAnyOrder(new AttemptBudgetRepository.Took(window, 2), new AttemptBudgetRepository.Took(backOff, 2));
		this.budgets.find(backOff).as(StepVerifier::create).expectNext(new Budget(2, now, null)).verifyComplete();
		// the third attempt of the run is the first beyond the free ones: it blocks the run at once
		assertThat(this.budgets.takeAll(windows, run, now).collectList().block(Duration.ofSeconds(10)))
			.containsExactlyInAnyOrder(new AttemptBudgetRepository.Took(window, 3), new AttemptBudgetRepository.Took(backOff, 3));
		this.budgets.find(backOff).as(StepVerifier::create).expectNext(new Budget(3, now, blocks.get(0))).verifyComplete();
		this.budgets.find(window).as(StepVerifier::create).expectNext(new Budget(3, start, null)).verifyComplete();
		// the window used up and the run blocked: nothing taken
		assertThat(this.budgets.takeAll(windows, run, now).collectList().block(Duration.ofSeconds(10))).isEmpty();
		this.budgets.find(window).as(StepVerifier::create).expectNext(new Budget(3, start, null)).verifyComplete();
	}

	@Test
	void takeAllWhenOneRowRefusesOrIsMissingThenTheOthersAreStillDecidedEachOnItsOwn() {
		String usedUp = "client:" + uniqueEmail();
		String missing = "client:" + uniqueEmail();
		String backOff = "device:" + uniqueEmail() + " 192.0.2.1";
		Instant now = T0.plusSeconds(10);
		this.budgets.insert(usedUp, new Budget(2, T0, null)).as(StepVerifier::create).expectNext(1L).verifyComplete();
		// a run whose last attempt is older than the forgetting horizon starts again
		this.budgets.insert(backOff, new Budget(7, T0.minus(Duration.ofDays(2)), null)).as(StepVerifier::create)
			.expectNext(1L).verifyComplete();
		List<AttemptBudgetRepository.WindowTake> windows = List.of(new AttemptBudgetRepository.WindowTake(usedUp, T0, 2),
				new AttemptBudgetRepository.WindowTake(missing, T0, 2));
		AttemptBudgetRepository.BackOffTake run = new AttemptBudgetRepository.BackOffTake(backOff, T0.minus(Duration.ofDays(1)), 5,
				List.of(now.plusSeconds(1)));

		assertThat(this.budgets.takeAll(windows, run, now).collectList().block(Duration.ofSeconds(10)))
			.containsExactly(new AttemptBudgetRepository.Took(backOff, 1));
		this.budgets.find(missing).as(StepVerifier::create).verifyComplete();
	}

	@Test
	void settleWhenClearedOrGivenBackThenWindowsGetTheirAttemptAndTheBackOffItsOwnBlockLifted() {
		String window = "client:" + uniqueEmail();
		String own = "device:" + uniqueEmail() + " 192.0.2.1";
		String shared = "account:" + uniqueEmail();
		Instant now = T0.plusSeconds(10);
		Budget taken = new Budget(6, now, now.plusSeconds(60));
		this.budgets.insert(window, new Budget(2, T0, null)).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.insert(own, taken).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.insert(shared, taken).as(StepVerifier::create).expectNext(1L).verifyComplete();
		List<LoginThrottle.Taken> windows = List.of(new LoginThrottle.Taken(window, T0));

		this.budgets.settle(windows, own, taken, true, 5).as(StepVerifier::create).expectNext(2L).verifyComplete();
		this.budgets.find(own).as(StepVerifier::create).expectNext(new Budget(0, now, null)).verifyComplete();
		this.budgets.find(window).as(StepVerifier::create).expectNext(new Budget(1, T0, null)).verifyComplete();

		this.budgets.settle(windows, shared, taken, false, 5).as(StepVerifier::create).expectNext(2L).verifyComplete();
		this.budgets.find(shared).as(StepVerifier::create).expectNext(new Budget(5, now, null)).verifyComplete();
		this.budgets.find(window).as(StepVerifier::create).expectNext(new Budget(0, T0, null)).verifyComplete();

		// someone took an attempt since: the block is theirs and stays; never below nothing
		Budget theirs = new Budget(6, now.plusSeconds(1), now.plusSeconds(61));
		this.budgets.replace(shared, new Budget(5, now, null), theirs).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.settle(windows, shared, taken, false, 5).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.find(shared).as(StepVerifier::create)
			.expectNext(new Budget(5, theirs.lastAt(), theirs.blockedUntil()))
			.verifyComplete();
		this.budgets.find(window).as(StepVerifier::create).expectNext(new Budget(0, T0, null)).verifyComplete();
	}

	@Test
	void settleWhenAttemptsAreGivenBackInAnotherOrderThanTakenThenNoBlockOutlivesTheRun() {
		String bucket = "account:" + uniqueEmail();
		Instant now = T0.plusSeconds(10);
		List<Instant> blocks = List.of(now.plus(Duration.ofHours(1)));
		this.budgets.insert(bucket, new Budget(0, T0, null)).as(StepVerifier::create).expectNext(1L).verifyComplete();
		AttemptBudgetRepository.BackOffTake run = new AttemptBudgetRepository.BackOffTake(bucket, T0.minusSeconds(1), 2, blocks);
		List<Budget> taken = new java.util.ArrayList<>();
		for (int i = 1; i <= 2; i++) {
			assertThat(this.budgets.takeAll(List.of(), run, now).collectList().block(Duration.ofSeconds(10)))
				.containsExactly(new AttemptBudgetRepository.Took(bucket, i));
			taken.add(new Budget(i, now, (i >= 2) ? blocks.get(0) : null));
		}
		// the second attempt blocked the run; the first is given back first, then the second
		this.budgets.settle(List.of(), bucket, taken.get(0), false, 2).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.settle(List.of(), bucket, taken.get(1), false, 2).as(StepVerifier::create).expectNext(1L).verifyComplete();
		this.budgets.find(bucket).as(StepVerifier::create).expectNext(new Budget(0, now, null)).verifyComplete();
	}

	@Test
	void reserveWhenManyAtOnceFromTheLastLoginAddressOfAnAccountWithRowsThenExactlyTheFreeAttemptsAreTaken() {
		LoginThrottle throttle = new LoginThrottle(this.budgets, properties(5, 1000, Duration.ofMinutes(15)));
		String email = uniqueEmail();
		String address = "198.51.100." + (1 + (email.hashCode() & 127));
		Instant now = Instant.now();
		// a first login makes the rows; the owner's success clears the back-off and keeps its row
		throttle.reserveLogin(email, address, true, now).flatMap(throttle::succeeded).block(Duration.ofSeconds(10));
		List<Object> outcomes = Flux.range(0, 100)
			.flatMap((i) -> throttle.reserveLogin(email, address, true, now).<Object>map((r) -> r)
				.onErrorResume(AuthException.class, (ex) -> Mono.just(ex.code())), 100)
			.collectList()
			.block(Duration.ofMinutes(1));
		assertThat(outcomes).filteredOn(LoginThrottle.Reservation.class::isInstance).hasSize(5);
		assertThat(outcomes).filteredOn(ErrorCode.TOO_MANY_ATTEMPTS::equals).hasSize(95);
		// the refused gave their window attempts back: only the five taken remain in the client's window
		this.budgets.find("client:" + LoginThrottle.clientKey(address))
			.map(Budget::attempts)
			.as(StepVerifier::create)
			.expectNext(5)
			.verifyComplete();
	}

	/** Blocks longer than the test; the global window as in the other tests, whose budget this shares. */
	static AuthProperties properties(int freeAttempts, int clientFailures, Duration clientWindow) {
		AuthProperties defaults = TestProperties.withHashing(new AuthProperties.Hashing(19456, 2, 1, 1, 8));
		return new AuthProperties(defaults.issuer(), defaults.audience(), "a-test-master-secret-at-least-32-chars",
				defaults.accessTokenTtl(), defaults.sessionTtl(), defaults.sessionIdleTtl(), defaults.refreshGrace(),
				defaults.defaultRoles(), defaults.cookies(), defaults.keys(), defaults.hashing(),
				new AuthProperties.Login(freeAttempts, Duration.ofHours(1), Duration.ofHours(1), clientFailures,
						clientWindow, 1000, Duration.ofMinutes(5), Math.min(5, clientFailures), 20),
				defaults.purge());
	}

}
