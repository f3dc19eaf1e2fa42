package dev.portcullis.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.headerRegex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * What a single-page app does through Portcullis, as Gatling chains: call a protected route with
 * the access cookie and, on {@code token_expired}, {@code token_missing} or {@code key_withdrawn},
 * refresh once and retry, as {@code portcullis-client.js} does. Answers 429 and 503 mean "not
 * now": like the client, the flows wait {@code Retry-After} and try again, a bounded number of
 * times ({@link #patiently}). Any other 401 ({@code session_revoked}, {@code token_invalid}), a
 * refresh answered 401 (after such retries or not), a request that timed out or one still shed on
 * its last try is a KO, and that virtual user stops.
 *
 * <p>Cookies are sent and read by hand: they are {@code Secure}, which an HTTP client honours by
 * not sending them over plain HTTP to a test deployment on loopback.
 */
final class Flows {

	/** Tries of one request, the first included, when it is answered 429 or 503. */
	static final int MAX_TRIES = 3;

	/** The longest {@code Retry-After} waited out, as {@code portcullis-client.js} does. */
	static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

	/** The wait after a 429 or 503 without {@code Retry-After}. */
	static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

	/** Answers that mean "not now", never "logged out": busy, rate limited, shedding, unavailable. */
	private static final List<Integer> SHED = List.of(429, 503);

	private static final String STATUS = "status";

	private static final String ANSWERED = "answeredStatus";

	private static final String RETRY_AFTER = "retryAfter";

	private static final String TRIES = "tries";

	private static final AtomicLong retriedAnswers = new AtomicLong();

	private static final AtomicLong refusedRefreshes = new AtomicLong();

	private Flows() {
	}

	static HttpProtocolBuilder protocol(LoadSettings settings) {
		return http.baseUrl(settings.gateway().toString())
			.acceptHeader("application/json")
			.userAgentHeader("portcullis-load-tests (Gatling)")
			.disableWarmUp()
			.disableCaching();
	}

	/** Users arriving over the ramp, or all at once when it is 0. */
	static OpenInjectionStep arrivals(int users, LoadSettings settings) {
		return settings.ramp().isZero() ? atOnceUsers(users) : rampUsers(users).during(settings.ramp());
	}

	/** A storm's users: all at once, or {@code rate} per second when {@code -Drate} is given. */
	static OpenInjectionStep stormArrivals(int users, LoadSettings settings) {
		if (System.getProperty("rate") == null) {
			return atOnceUsers(users);
		}
		return constantUsersPerSec(settings.rate()).during(Duration.ofMillis(Math.round(users / settings.rate() * 1000)));
	}

	/** Browses for {@code duration} at {@code rate} calls per second, refreshing as needed. */
	static ChainBuilder browse(LoadSettings settings) {
		return startWithAccessCookie(settings).exec(during(settings.duration()).on(pace(settings.pace()).exec(call(settings))));
	}

	/** Sessions seeded without access tokens refresh first, as a browser whose access cookie expired. */
	static ChainBuilder startWithAccessCookie(LoadSettings settings) {
		return doIf((session) -> session.getString("access").isEmpty()).then(refresh(settings, "refresh"));
	}

	/**
	 * One call of the protected route; on token_expired/token_missing/key_withdrawn one refresh,
	 * then one retry. A failed call (a KO, a timeout included) ends the virtual user.
	 */
	static ChainBuilder call(LoadSettings settings) {
		return exec(patiently("call", (name) -> get(name, settings).checkIf((response, session) -> response.status()
			.code() == 401).then(jsonPath("$.code").in(LoadSettings.TOKEN_EXPIRED, LoadSettings.TOKEN_MISSING,
					LoadSettings.KEY_WITHDRAWN)), 200, 401))
			.exitHereIfFailed()
			.doIf((session) -> lastStatus(session) == 401)
			.then(refresh(settings, "refresh").exitHereIfFailed()
				.exec(patiently("call (retry after refresh)", (name) -> get(name, settings), 200)))
			.exitHereIfFailed();
	}

	/** GET of the protected route with the session's access cookie. */
	static HttpRequestActionBuilder get(String name, LoadSettings settings) {
		return http(name).get(settings.path()).header("Cookie", settings.accessCookie() + "=#{access}");
	}

	/**
	 * {@code POST /auth/refresh}: must succeed, and both new cookies replace the old ones. Answered
	 * 429 or 503 it is retried as {@link #patiently} says; a 401, even after such retries, is a
	 * false logout: a KO, counted in {@link #refusedRefreshes()}.
	 */
	static ChainBuilder refresh(LoadSettings settings, String name) {
		return patiently(name, (requestName) -> http(requestName).post("/auth/refresh")
			.header("Origin", settings.origin())
			.header("Cookie", settings.refreshCookie() + "=#{refresh}")
			.checkIf((response, session) -> response.status().code() == 200)
			.then(cookie(settings.accessCookie()).saveAs("access"), cookie(settings.refreshCookie()).saveAs("refresh")), 200)
			.exec((session) -> {
				if (answered(session) == 401) {
					refusedRefreshes.incrementAndGet();
				}
				return session;
			});
	}

	/**
	 * Sends a request as {@code portcullis-client.js} would: answered 429 or 503 (busy, shedding,
	 * unavailable) it waits the answer's {@code Retry-After} ({@link #DEFAULT_RETRY_AFTER} when it
	 * has none, at most {@link #MAX_RETRY_AFTER}, plus up to 1 s of jitter so that users turned away
	 * together do not all come back together) and sends it again, as {@code name} + " (retry after
	 * 429/503)", up to {@link #MAX_TRIES} tries in all. Those answers are OK while a try remains; the
	 * last try must get one of {@code expected}, else it is a KO. The last status the checks allowed
	 * is left in the session ({@link #lastStatus}); a request that got no answer (timed out, connection
	 * reset) is a KO with no status, never an error of the scenario's own steps.
	 */
	static ChainBuilder patiently(String name, Function<String, HttpRequestActionBuilder> request, Integer... expected) {
		List<Integer> last = List.of(expected);
		List<Integer> whileTriesRemain = new ArrayList<>(last);
		whileTriesRemain.addAll(SHED);
		Function<String, HttpRequestActionBuilder> checked = (requestName) -> request.apply(requestName)
			.check(status().saveAs(ANSWERED),
					status().in((session) -> (tries(session) + 1 < MAX_TRIES) ? whileTriesRemain : last).saveAs(STATUS),
					header("Retry-After").optional().saveAs(RETRY_AFTER));
		return exec((session) -> session.removeAll(STATUS, ANSWERED, RETRY_AFTER).set(TRIES, 0))
			.exec(checked.apply(name))
			.exec(Flows::countTry)
			.asLongAs((session) -> !session.isFailed() && SHED.contains(lastStatus(session)) && tries(session) < MAX_TRIES)
			.on(pause(Flows::retryWait).exec((session) -> session.removeAll(STATUS, ANSWERED, RETRY_AFTER))
				.exec(checked.apply(name + " (retry after 429/503)"))
				.exec(Flows::countTry));
	}

	/** The status of the session's last request, as its checks allowed it; 0 when it had none (a KO). */
	static int lastStatus(Session session) {
		return session.contains(STATUS) ? session.getInt(STATUS) : 0;
	}

	/** The status of the session's last request, allowed or not; 0 when it got no answer. */
	private static int answered(Session session) {
		return session.contains(ANSWERED) ? session.getInt(ANSWERED) : 0;
	}

	private static int tries(Session session) {
		return session.contains(TRIES) ? session.getInt(TRIES) : 0;
	}

	private static Session countTry(Session session) {
		if (!session.isFailed() && SHED.contains(lastStatus(session)) && tries(session) + 1 < MAX_TRIES) {
			retriedAnswers.incrementAndGet();
		}
		return session.set(TRIES, tries(session) + 1);
	}

	/** {@code Retry-After} in seconds, capped; an absent or unreadable one (an HTTP date) is the default. */
	static Duration retryWait(Session session) {
		Duration wait = DEFAULT_RETRY_AFTER;
		String header = session.contains(RETRY_AFTER) ? session.getString(RETRY_AFTER).trim() : "";
		if (header.matches("\\d{1,6}")) {
			wait = Duration.ofSeconds(Long.parseLong(header));
		}
		wait = (wait.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : wait;
		return wait.plusMillis(ThreadLocalRandom.current().nextLong(1000));
	}

	/** Answers 429/503 waited out and retried in this JVM since {@link #resetCounts()}. */
	public static long retriedAnswers() {
		return retriedAnswers.get();
	}

	/** Refreshes answered 401 (false logouts of a browsing user) in this JVM since {@link #resetCounts()}. */
	public static long refusedRefreshes() {
		return refusedRefreshes.get();
	}

	static void resetCounts() {
		retriedAnswers.set(0);
		refusedRefreshes.set(0);
	}

	/** The line printed after a run about retried answers and false logouts. */
	static String retrySummary() {
		return String.format("answers 429/503 waited out and retried: %d; refreshes answered 401 (false logouts, "
				+ "expected 0): %d", retriedAnswers(), refusedRefreshes());
	}

	/** The value a {@code Set-Cookie} of the answer gives {@code name}. */
	static io.gatling.javaapi.core.CheckBuilder.CaptureGroupCheckBuilder cookie(String name) {
		return headerRegex("Set-Cookie", Pattern.quote(name) + "=([^;]+)");
	}

	/** Percentiles of a set of durations, for the summaries printed after a run. */
	static String percentiles(java.util.List<Long> nanos) {
		if (nanos.isEmpty()) {
			return "none measured";
		}
		long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
		return String.format("p50 %d ms, p99 %d ms, max %d ms (%d measured)", at(sorted, 0.50), at(sorted, 0.99),
				sorted[sorted.length - 1] / 1_000_000, sorted.length);
	}

	private static long at(long[] sorted, double quantile) {
		int index = (int) Math.ceil(quantile * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000_000;
	}

}
