package dev.portcullis.auth.user;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.user.AttemptBudgetRepository.Budget;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * The budgets a password check takes an attempt from before Argon2 runs, kept in the database so
 * that every replica sees them. A login takes one from:
 * <ul>
 * <li>the exponential back-off of its email address, whether or not an account exists, so the
 * slow-down tells nobody which addresses are registered; or, from the client address the account
 * last logged in from (its IPv6 /64), a back-off of its own, so that nobody else's guesses lock
 * the owner out there;</li>
 * <li>the failures of its client per window, a client being an IPv4 /24 or an IPv6 /56, what one
 * subscriber or one hosting customer usually holds, so that rotating addresses inside it gains
 * nothing;</li>
 * <li>the failures across all accounts per window (not from the address the account last logged
 * in from). This one never refuses anybody: when it is used up, the service is under attack for
 * one client window, and meanwhile a client may fail only {@code client-failures-under-attack}
 * times per window. Clients that have been guessing are refused; everyone else logs in.</li>
 * </ul>
 * A registration takes one from its client's registration budget per window. A password change's
 * check of the current password takes one from a back-off per user. The attempt is taken before
 * the check, by one conditional statement for every budget whose row exists (each row decided on
 * its own, so parallel guesses cannot overshoot) or else one statement per budget; a success
 * gives its own attempts back and clears its own device back-off, never the account's run, which
 * others' guesses made, in one statement; a failure keeps it; a check that never ran (the hashing
 * pool was full) gives everything back.
 */
@Component
class LoginThrottle {

	/** A run of attempts older than this is forgotten. */
	static final Duration FORGET_AFTER = Duration.ofDays(1);

	static final String GLOBAL = "global";

	private static final Pattern IPV4_LITERAL = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

	/**
	 * Lost races for one back-off bucket before answering 429 anyway; each lost race means another
	 * request took an attempt, so a burst ends in a block long before this.
	 */
	private static final int MAX_TRIES = 16;

	/** What the JDK parses as an IPv6 literal, never looking it up: starts with a hex digit or colon. */
	private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

	private final AttemptBudgetRepository budgets;

	private final AuthProperties.Login settings;

	LoginThrottle(AttemptBudgetRepository budgets, AuthProperties properties) {
		this.budgets = budgets;
		this.settings = properties.login();
	}

	/**
	 * Takes an attempt for a login, or fails with {@link ErrorCode#TOO_MANY_ATTEMPTS} (taking
	 * nothing) when a budget is used up.
	 * @param clientIp the client's address; null when unknown
	 * @param lastLoginAddress whether {@code clientIp} is where this account last logged in from
	 */
	Mono<Reservation> reserveLogin(String email, String clientIp, boolean lastLoginAddress, Instant now) {
		Instant at = now.truncatedTo(ChronoUnit.MICROS);
		String backOff = lastLoginAddress ? "device:" + email + " " + deviceKey(clientIp) : "account:" + email;
		List<Window> windows = new ArrayList<>(2);
		if (!lastLoginAddress) {
			windows.add(globalWindow());
		}
		if (clientIp != null) {
			windows.add(new Window("client:" + clientKey(clientIp), this.settings.clientFailures(), this.settings.clientWindow()));
		}
		return reserveAtOnce(windows, backOff, lastLoginAddress, at)
			.switchIfEmpty(Mono.defer(() -> reserveOneByOne(email, clientIp, backOff, lastLoginAddress, at)));
	}

	/**
	 * {@link #reserveLogin} budget by budget: the global budget first, whose state sets the
	 * client's limit, then each in turn. Taken when {@link #reserveAtOnce} did not take them all:
	 * a bucket without a row yet, a budget used up, the service under attack.
	 */
	private Mono<Reservation> reserveOneByOne(String email, String clientIp, String backOff, boolean lastLoginAddress,
			Instant at) {
		Mono<List<Taken>> global = lastLoginAddress ? Mono.just(List.of()) : takeGlobal(at);
		return global.flatMap((taken) -> {
			if (clientIp == null) {
				return reserve(taken, List.of(), backOff, lastLoginAddress, at);
			}
			// the global budget used up (taken is empty) tightens every unknown client's own
			int limit = (!lastLoginAddress && taken.isEmpty())
					? Math.min(this.settings.clientFailuresUnderAttack(), this.settings.clientFailures())
					: this.settings.clientFailures();
			return reserve(taken, List.of(new Window("client:" + clientKey(clientIp), limit, this.settings.clientWindow())),
					backOff, lastLoginAddress, at);
		});
	}

	/**
	 * Takes an attempt from every window and the back-off in one statement. What it could not
	 * take (a bucket without a row, a budget used up) is then taken budget by budget, which
	 * tells which refused and how long to wait. Empty, with whatever it took given back, when
	 * the global budget was not taken: that may mean an attack, which sets the client's limit,
	 * so {@link #reserveOneByOne} decides from the start.
	 */
	private Mono<Reservation> reserveAtOnce(List<Window> windows, String backOffBucket, boolean ownBackOff, Instant now) {
		List<AttemptBudgetRepository.WindowTake> takes = new ArrayList<>(windows.size());
		for (Window window : windows) {
			takes.add(new AttemptBudgetRepository.WindowTake(window.bucket(), window.startAt(now), window.limit()));
		}
		AttemptBudgetRepository.BackOffTake backOff = new AttemptBudgetRepository.BackOffTake(backOffBucket,
				now.minus(FORGET_AFTER), this.settings.freeAttempts(), blocksFrom(now));
		return this.budgets.takeAll(takes, backOff, now).collectList().flatMap((took) -> {
			Budget next = null;
			List<Taken> taken = new ArrayList<>(windows.size());
			List<Window> missing = new ArrayList<>(windows);
			for (AttemptBudgetRepository.Took row : took) {
				if (row.bucket().equals(backOffBucket)) {
					next = new Budget(row.attempts(), now, delayAfter(row.attempts()).map(now::plus).orElse(null));
				}
				for (Window window : windows) {
					if (window.bucket().equals(row.bucket())) {
						taken.add(new Taken(window.bucket(), window.startAt(now)));
						missing.remove(window);
					}
				}
			}
			Budget step = next;
			BackOff backOffTaken = (step != null) ? new BackOff(backOffBucket, step) : null;
			if (missing.stream().anyMatch((window) -> window.bucket().equals(GLOBAL))) {
				return this.budgets
					.settle(taken, (backOffTaken != null) ? backOffBucket : null, step, false, this.settings.freeAttempts())
					.then(Mono.empty());
			}
			if (missing.isEmpty() && backOffTaken != null) {
				return Mono.just(new Reservation(List.copyOf(taken), backOffTaken, ownBackOff));
			}
			Mono<BackOff> advanced = (backOffTaken != null) ? Mono.just(backOffTaken)
					: Mono.defer(() -> advance(backOffBucket, now, MAX_TRIES));
			return take(missing, 0, List.copyOf(taken), now)
				.flatMap((all) -> advanced.map((stepped) -> new Reservation(all, stepped, ownBackOff))
					.onErrorResume((ex) -> giveBack(all).onErrorResume((failed) -> Mono.empty()).then(Mono.error(ex))))
				.onErrorResume((ex) -> (backOffTaken != null)
						? this.budgets.settle(List.of(), backOffBucket, step, false, this.settings.freeAttempts())
							.onErrorResume((failed) -> Mono.empty())
							.then(Mono.error(ex))
						: Mono.error(ex));
		});
	}

	/** Until when the n-th attempt of a back-off run blocks it, from the free attempts on, up to the longest delay. */
	private List<Instant> blocksFrom(Instant now) {
		List<Instant> blocks = new ArrayList<>();
		for (int attempts = this.settings.freeAttempts();; attempts++) {
			Duration delay = delayAfter(attempts).orElseThrow();
			blocks.add(now.plus(delay));
			if (delay.equals(this.settings.maxDelay()) || attempts - this.settings.freeAttempts() >= 30) {
				return blocks;
			}
		}
	}

	private Window globalWindow() {
		return new Window(GLOBAL, this.settings.globalFailures(), this.settings.globalWindow());
	}

	/**
	 * Takes a registration from its client's budget, or fails with
	 * {@link ErrorCode#TOO_MANY_ATTEMPTS}. Kept whatever the outcome: a new account costs a hash,
	 * and an address already registered answers which one is.
	 * @param clientIp the client's address; null when unknown (nothing is taken)
	 */
	Mono<Void> reserveRegistration(String clientIp, Instant now) {
		if (clientIp == null) {
			return Mono.empty();
		}
		Window window = new Window("register:" + clientKey(clientIp), this.settings.clientRegistrations(),
				this.settings.clientWindow());
		return take(List.of(window), 0, List.of(), now.truncatedTo(ChronoUnit.MICROS)).then();
	}

	/**
	 * One attempt from the global budget; none, and the service under attack for a client window,
	 * when it is used up or the service is under attack already.
	 */
	private Mono<List<Taken>> takeGlobal(Instant now) {
		Window global = globalWindow();
		Instant start = global.startAt(now);
		return takeFromWindow(global, start, now).flatMap((taken) -> taken ? Mono.just(List.of(new Taken(GLOBAL, start)))
				: this.budgets.blockUntil(GLOBAL, now, now.plus(this.settings.clientWindow())).thenReturn(List.<Taken>of()));
	}

	/** Takes an attempt for checking the current password of a password change. */
	Mono<Reservation> reservePasswordCheck(UUID userId, Instant now) {
		Instant at = now.truncatedTo(ChronoUnit.MICROS);
		String bucket = "password:" + userId;
		return reserveAtOnce(List.of(), bucket, true, at)
			.switchIfEmpty(Mono.defer(() -> reserve(List.of(), List.of(), bucket, true, at)));
	}

	/**
	 * The password was right: gives the window attempts back, and its own back-off attempt. A
	 * back-off of this address (or this user's password check) only is cleared; an account's run
	 * is everyone's, and clearing it would hand whoever is guessing a fresh set of free attempts.
	 */
	Mono<Void> succeeded(Reservation reservation) {
		return reservation.ownBackOff() ? this.budgets
			.settle(reservation.windows(), reservation.backOff().bucket(), reservation.backOff().next(), true,
					this.settings.freeAttempts())
			.then() : abandoned(reservation);
	}

	/**
	 * The password was wrong: the attempt stays taken, and a block starts counting from now, when
	 * the answer goes out, rather than from before the check.
	 */
	Mono<Void> failed(Reservation reservation, Instant now) {
		BackOff backOff = reservation.backOff();
		return delayAfter(backOff.next().attempts())
			.map((delay) -> this.budgets.extendBlock(backOff.bucket(), backOff.next(), now.plus(delay)).then())
			.orElse(Mono.empty());
	}

	/**
	 * The password was never checked, or was right from an address whose back-off is not its own:
	 * gives every attempt back, in one statement, and lifts the back-off's block if nobody has
	 * taken an attempt since.
	 */
	Mono<Void> abandoned(Reservation reservation) {
		BackOff backOff = reservation.backOff();
		return this.budgets.settle(reservation.windows(), backOff.bucket(), backOff.next(), false, this.settings.freeAttempts())
			.then();
	}

	/**
	 * Forgets buckets whose last attempt (or window) is older than the longest block or window
	 * plus {@link #FORGET_AFTER}: their block is over and their run would start again anyway.
	 */
	Mono<Long> purge(Instant now, int batchSize) {
		Duration longest = List.of(this.settings.maxDelay(), this.settings.clientWindow(), this.settings.globalWindow())
			.stream()
			.max(Duration::compareTo)
			.orElseThrow();
		return this.budgets.deleteLastBefore(now.minus(longest).minus(FORGET_AFTER), batchSize);
	}

	Optional<Duration> delayAfter(int attempts) {
		if (attempts < this.settings.freeAttempts()) {
			return Optional.empty();
		}
		int doublings = Math.min(attempts - this.settings.freeAttempts(), 30);
		Duration delay = this.settings.initialDelay().multipliedBy(1L << doublings);
		return Optional.of((delay.compareTo(this.settings.maxDelay()) > 0) ? this.settings.maxDelay() : delay);
	}

	/**
	 * The budget key of a client: the /24 of an IPv4 address, the /56 of an IPv6 one (one
	 * subscriber's or one hosting customer's usual share). Anything that is not an address literal
	 * is its own key.
	 */
	static String clientKey(String ip) {
		byte[] address = parse(ip);
		if (address == null) {
			return ip;
		}
		return (address.length == 4) ? (address[0] & 255) + "." + (address[1] & 255) + "." + (address[2] & 255) + ".0/24"
				: HexFormat.of().formatHex(address, 0, 7) + "/56";
	}

	/**
	 * The key of the address an account last logged in from: an IPv4 address as it is, an IPv6
	 * address's /64, which one device keeps while its privacy addresses rotate. Anything that is
	 * not an address literal is its own key.
	 */
	static String deviceKey(String ip) {
		byte[] address = parse(ip);
		if (address == null) {
			return ip;
		}
		return (address.length == 4) ? (address[0] & 255) + "." + (address[1] & 255) + "." + (address[2] & 255) + "."
				+ (address[3] & 255) : HexFormat.of().formatHex(address, 0, 8) + "/64";
	}

	/** Whether two client addresses are the same device by {@link #deviceKey}. */
	static boolean sameDevice(String ip, String other) {
		return ip != null && other != null && deviceKey(ip).equals(deviceKey(other));
	}

	/**
	 * The bytes of a strict IPv4 dotted quad or IPv6 literal (an IPv4-mapped one as its IPv4
	 * address); null for anything else. Never looks a name up.
	 */
	private static byte[] parse(String ip) {
		if (ip == null) {
			return null;
		}
		Matcher v4 = IPV4_LITERAL.matcher(ip);
		if (v4.matches()) {
			byte[] bytes = new byte[4];
			for (int i = 0; i < 4; i++) {
				int octet = Integer.parseInt(v4.group(i + 1));
				if (octet > 255) {
					return null;
				}
				bytes[i] = (byte) octet;
			}
			return bytes;
		}
		if (ip.indexOf(':') < 0 || !IPV6_LITERAL.matcher(ip).matches()) {
			return null;
		}
		try {
			// a literal of only hex digits, colons and dots: parsed, never looked up
			return InetAddress.getByName(ip).getAddress();
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private Mono<Reservation> reserve(List<Taken> alreadyTaken, List<Window> windows, String backOffBucket,
			boolean ownBackOff, Instant now) {
		return take(windows, 0, alreadyTaken, now).flatMap((taken) -> advance(backOffBucket, now, MAX_TRIES)
			.map((backOff) -> new Reservation(taken, backOff, ownBackOff))
			.onErrorResume((ex) -> giveBack(taken).onErrorResume((giveBackFailed) -> Mono.empty()).then(Mono.error(ex))));
	}

	/** Takes an attempt from each window in turn; when one is used up, gives back those taken and fails. */
	private Mono<List<Taken>> take(List<Window> windows, int index, List<Taken> taken, Instant now) {
		if (index == windows.size()) {
			return Mono.just(taken);
		}
		Window window = windows.get(index);
		Instant start = window.startAt(now);
		return takeFromWindow(window, start, now).flatMap((ok) -> {
			if (!ok) {
				return giveBack(taken).then(Mono.error(tooMany(Duration.between(now, start.plus(window.length())))));
			}
			List<Taken> more = new ArrayList<>(taken);
			more.add(new Taken(window.bucket(), start));
			return take(windows, index + 1, List.copyOf(more), now);
		});
	}

	private Mono<Boolean> takeFromWindow(Window window, Instant start, Instant now) {
		return this.budgets.takeFromWindow(window.bucket(), start, window.limit(), now)
			.flatMap((rows) -> (rows > 0) ? Mono.just(true)
					: this.budgets.insert(window.bucket(), new Budget(1, start, null))
						.map((inserted) -> true)
						// the row exists: the window is used up, or another request inserted it a moment ago
						.onErrorResume(DataIntegrityViolationException.class, (ex) -> this.budgets
							.takeFromWindow(window.bucket(), start, window.limit(), now)
							.map((again) -> again > 0)));
	}

	private Mono<Void> giveBack(List<Taken> taken) {
		return this.budgets.settle(taken, null, null, false, this.settings.freeAttempts()).then();
	}

	/**
	 * Takes the next attempt of a back-off bucket: reads it, and replaces exactly what it read, so
	 * of parallel requests only one gets each attempt; the others read again.
	 */
	private Mono<BackOff> advance(String bucket, Instant now, int triesLeft) {
		return this.budgets.find(bucket).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((seen) -> {
			if (seen.isPresent() && seen.get().blockedAt(now)) {
				return Mono.error(tooMany(Duration.between(now, seen.get().blockedUntil())));
			}
			boolean freshRun = seen.isEmpty() || seen.get().lastAt().isBefore(now.minus(FORGET_AFTER));
			int attempts = freshRun ? 1 : seen.get().attempts() + 1;
			Budget next = new Budget(attempts, now, delayAfter(attempts).map(now::plus).orElse(null));
			Mono<Long> written = seen.isPresent() ? this.budgets.replace(bucket, seen.get(), next)
					: this.budgets.insert(bucket, next).onErrorResume(DataIntegrityViolationException.class, (ex) -> Mono.just(0L));
			return written.flatMap((rows) -> {
				if (rows > 0) {
					return Mono.just(new BackOff(bucket, next));
				}
				return (triesLeft > 1) ? advance(bucket, now, triesLeft - 1) : Mono.error(tooMany(Duration.ofSeconds(1)));
			});
		});
	}

	static AuthException tooMany(Duration wait) {
		Duration retryAfter = Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000));
		return new AuthException(ErrorCode.TOO_MANY_ATTEMPTS, "Too many failed attempts; try again later", retryAfter, null);
	}

	/**
	 * What a password check took: attempts from windows, and the back-off step; {@code ownBackOff}
	 * when that back-off counts only this address's (or this user's) attempts.
	 */
	record Reservation(List<Taken> windows, BackOff backOff, boolean ownBackOff) {
	}

	/** An attempt taken from the window of {@code bucket} starting at {@code windowStart}. */
	record Taken(String bucket, Instant windowStart) {
	}

	/** A back-off bucket moved to {@code next} by an attempt. */
	record BackOff(String bucket, Budget next) {
	}

	/** A fixed-window budget: {@code limit} attempts per {@code length}, windows aligned to the epoch. */
	private record Window(String bucket, int limit, Duration length) {

		Instant startAt(Instant now) {
			long millis = this.length.toMillis();
			return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), millis) * millis);
		}

	}

}
