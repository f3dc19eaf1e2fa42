package dev.portcullis.load;

import java.util.concurrent.atomic.AtomicLong;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Login storm: {@code users} real logins (Argon2id each) at the same moment, with the seeded
 * users' email and password. The auth service hashes on a bounded pool and answers 429
 * {@code busy} when it is full; that, and a 503 shed under load, is expected, not a failure: the
 * user waits {@code Retry-After} (at most 10 s, plus jitter) and tries again, up to {@code maxAttempts}. Every user must
 * end up logged in, with cookies the gateway accepts.
 */
public class LoginStormSimulation extends Simulation {

	private static final AtomicLong busyAnswers = new AtomicLong();

	private static final AtomicLong firstLoginNanos = new AtomicLong(Long.MAX_VALUE);

	private static final AtomicLong lastLoginNanos = new AtomicLong();

	private static final AtomicLong logins = new AtomicLong();

	private final LoadSettings settings = LoadSettings.fromSystemProperties();

	private final int maxAttempts = Integer.getInteger("maxAttempts", 60);

	private final long started = System.nanoTime();

	private final ScenarioBuilder storm = scenario("login storm")
		.feed(Sessions.feeder(Sessions.readWithPasswords(this.settings.requireSessions(), this.settings.users())))
		.exec((session) -> session.set("attempt", 0).set("loggedIn", false))
		.exec(asLongAs((session) -> !session.getBoolean("loggedIn") && session.getInt("attempt") < this.maxAttempts)
			.on(attempt()))
		// A user still turned away after maxAttempts tries once more, and that try must succeed.
		.exec(doIf((session) -> !session.getBoolean("loggedIn"))
			.then(exec(login("login (last try)").check(status().is(200), Flows.cookie(this.settings.accessCookie()).saveAs(
					"access")))))
		.exitHereIfFailed()
		.exec(Flows.patiently("call after login", (name) -> Flows.get(name, this.settings), 200));

	{
		setUp(this.storm.injectOpen(Flows.stormArrivals(this.settings.users(), this.settings)))
			.protocols(Flows.protocol(this.settings))
			.maxDuration(this.settings.duration())
			.assertions(global().failedRequests().count().is(0L));
	}

	private ChainBuilder attempt() {
		return exec((session) -> session.set("loginName",
				(session.getInt("attempt") == 0) ? "login" : "login (retry after busy)"))
			.exec((session) -> session.removeAll("status", "retryAfter"))
			.exec(login("#{loginName}").check(status().in(200, 429, 503).saveAs("status"))
			.checkIf((response, session) -> response.status().code() == 429)
			.then(jsonPath("$.code").is(LoadSettings.BUSY), header("Retry-After").saveAs("retryAfter"))
			.checkIf((response, session) -> response.status().code() == 503)
			.then(header("Retry-After").optional().saveAs("retryAfter"))
			.checkIf((response, session) -> response.status().code() == 200)
			.then(Flows.cookie(this.settings.accessCookie()).saveAs("access")))
			.exec((session) -> {
				// no status: the login timed out or was refused (a KO already), and is tried again
				boolean in = Flows.lastStatus(session) == 200;
				if (in) {
					recordLogin();
				}
				else {
					busyAnswers.incrementAndGet();
				}
				return session.set("loggedIn", in).set("attempt", session.getInt("attempt") + 1);
			})
			.doIf((session) -> !session.getBoolean("loggedIn"))
			// Jitter, so that the users turned away together do not all come back together.
			.then(pause(Flows::retryWait));
	}

	private HttpRequestActionBuilder login(String name) {
		return http(name).post("/auth/login")
			.header("Origin", this.settings.origin())
			.header("Content-Type", "application/json")
			.body(StringBody("{\"email\":\"#{email}\",\"password\":\"#{password}\"}"));
	}

	@Override
	public void before() {
		busyAnswers.set(0);
		logins.set(0);
		firstLoginNanos.set(Long.MAX_VALUE);
		lastLoginNanos.set(0);
	}

	@Override
	public void after() {
		double seconds = (lastLoginNanos.get() - Math.min(firstLoginNanos.get(), lastLoginNanos.get())) / 1e9;
		System.out.printf("Login storm: %d logins succeeded (%.1f/s between the first and the last, %.1f s since the "
				+ "start), %d answers were 429 busy (expected: the password-hashing pool was full)%n", logins.get(),
				(seconds > 0) ? logins.get() / seconds : 0, (lastLoginNanos.get() - this.started) / 1e9, busyAnswers.get());
	}

	private static void recordLogin() {
		long now = System.nanoTime();
		logins.incrementAndGet();
		firstLoginNanos.accumulateAndGet(now, Math::min);
		lastLoginNanos.accumulateAndGet(now, Math::max);
	}

	/** Answers 429 busy seen by the last run in this JVM. */
	public static long busyAnswers() {
		return busyAnswers.get();
	}

}
