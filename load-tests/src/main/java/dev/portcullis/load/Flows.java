package dev.portcullis.load;

import java.time.Duration;
import java.util.regex.Pattern;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.http.HttpDsl.headerRegex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * What a single-page app does through Portcullis, as Gatling chains: call a protected route with
 * the access cookie and, on {@code token_expired} or {@code token_missing}, refresh once and retry,
 * exactly as {@code portcullis-client.js} does. Any other 401 ({@code session_revoked},
 * {@code token_invalid}) or a failed refresh is a logged-out user, which a browsing user never
 * should be: a KO, and that virtual user stops.
 *
 * <p>Cookies are sent and read by hand: they are {@code Secure}, which an HTTP client honours by
 * not sending them over plain HTTP to a test deployment on loopback.
 */
final class Flows {

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

	/** One call of the protected route; on token_expired/token_missing one refresh, then one retry. */
	static ChainBuilder call(LoadSettings settings) {
		return exec((session) -> session.remove("status"))
			.exec(get("call", settings).check(status().in(200, 401).saveAs("status"))
				.checkIf((response, session) -> response.status().code() == 401)
				.then(jsonPath("$.code").in(LoadSettings.TOKEN_EXPIRED, LoadSettings.TOKEN_MISSING)))
			.doIf((session) -> session.getInt("status") == 401)
			.then(refresh(settings, "refresh").exec(get("call (retry after refresh)", settings).check(status().is(200))))
			.exitHereIfFailed();
	}

	/** GET of the protected route with the session's access cookie. */
	static HttpRequestActionBuilder get(String name, LoadSettings settings) {
		return http(name).get(settings.path()).header("Cookie", settings.accessCookie() + "=#{access}");
	}

	/** {@code POST /auth/refresh}: must succeed, and both new cookies replace the old ones. */
	static ChainBuilder refresh(LoadSettings settings, String name) {
		return exec(http(name).post("/auth/refresh")
			.header("Origin", settings.origin())
			.header("Cookie", settings.refreshCookie() + "=#{refresh}")
			.check(status().is(200), cookie(settings.accessCookie()).saveAs("access"),
					cookie(settings.refreshCookie()).saveAs("refresh")));
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
