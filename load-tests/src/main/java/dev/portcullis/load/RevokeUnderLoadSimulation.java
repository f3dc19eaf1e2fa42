package dev.portcullis.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Revocation under load: all users browse; a share of them ({@code logoutShare}, default 0.1)
 * log out part-way and then keep presenting their old access cookie until the gateway refuses
 * it with 401 {@code session_revoked}. The time from the logout's answer to that refusal is how
 * long a revocation takes to reach the gateway (the revocation feed); its p50 and p99 are printed
 * at the end, and the group "old access cookie until session_revoked" in the report shows its
 * distribution. A cookie still accepted after {@code revokeTimeout} (default 5 s) fails the run.
 */
public class RevokeUnderLoadSimulation extends Simulation {

	private static final List<Long> revocationNanos = Collections.synchronizedList(new ArrayList<>());

	private static final Duration POLL = Duration.ofMillis(20);

	private final LoadSettings settings = LoadSettings.fromSystemProperties();

	private final Duration timeout = LoadSettings.seconds("revokeTimeout", 5);

	private final int leaving = Math.max(1,
			(int) Math.round(this.settings.users() * LoadSettings.fraction("logoutShare", 0.1)));

	private final java.util.Iterator<Map<String, Object>> feeder = Sessions
		.feeder(Sessions.read(this.settings.requireSessions(), this.settings.users()));

	private final ScenarioBuilder staying = scenario("browsing users").feed(this.feeder).exec(Flows.browse(this.settings));

	private final ScenarioBuilder leavingUsers = scenario("users who log out").feed(this.feeder)
		.exec(Flows.startWithAccessCookie(this.settings))
		.exec((session) -> session.set("stay", Duration.ofMillis(Math.round(this.settings.duration().toMillis()
				* ThreadLocalRandom.current().nextDouble(0.2, 0.6)))))
		.exec(during((session) -> (Duration) session.get("stay")).on(pace(this.settings.pace()).exec(Flows.call(this.settings))))
		// A fresh access token, so the wait below measures the revocation, never the token's expiry.
		.exec(Flows.refresh(this.settings, "refresh before logout"))
		.exitHereIfFailed()
		.exec(Flows.patiently("logout", (name) -> http(name).post("/auth/logout")
			.header("Origin", this.settings.origin())
			.header("Cookie", this.settings.accessCookie() + "=#{access}; " + this.settings.refreshCookie() + "=#{refresh}"),
				204))
		.exitHereIfFailed()
		.exec((session) -> session.set("loggedOutAt", System.nanoTime()).set("revoked", false))
		.exec(group("old access cookie until session_revoked").on(untilRevoked()))
		.exec(doIf((session) -> !session.getBoolean("revoked"))
			.then(exec(Flows.get("old access cookie refused within revokeTimeout", this.settings).check(status().is(401)))));

	{
		setUp(this.staying.injectOpen(Flows.arrivals(this.settings.users() - this.leaving, this.settings)),
				this.leavingUsers.injectOpen(Flows.arrivals(this.leaving, this.settings)))
			.protocols(Flows.protocol(this.settings))
			.maxDuration(this.settings.ramp().plus(this.settings.duration()).plus(this.timeout).plusSeconds(30))
			.assertions(global().failedRequests().count().is(0L));
	}

	private ChainBuilder untilRevoked() {
		return asLongAs((session) -> !session.isFailed() && !session.getBoolean("revoked")
				&& System.nanoTime() - session.getLong("loggedOutAt") < this.timeout.toNanos())
			.on(exec((session) -> session.remove("status"))
				.exec(Flows.get("old access cookie after logout", this.settings).check(status().in(200, 401).saveAs("status"))
				.checkIf((response, session) -> response.status().code() == 401)
				.then(jsonPath("$.code").is(LoadSettings.SESSION_REVOKED)))
				.exec((session) -> {
					// no status: the poll got no answer (a KO already); the loop ends on it
					if (Flows.lastStatus(session) != 401) {
						return session;
					}
					revocationNanos.add(System.nanoTime() - session.getLong("loggedOutAt"));
					return session.set("revoked", true);
				})
				.doIf((session) -> !session.getBoolean("revoked"))
				.then(pause(POLL)));
	}

	@Override
	public void before() {
		revocationNanos.clear();
		Flows.resetCounts();
	}

	@Override
	public void after() {
		System.out.printf("Revocation under load: %d of %d users logged out; logout answered → old access cookie refused "
				+ "with session_revoked: %s; %s%n", revocationNanos.size(), this.leaving, Flows.percentiles(revocationDelays()),
				Flows.retrySummary());
	}

	/** Revocation delays measured by the last run in this JVM, in nanoseconds. */
	public static List<Long> revocationDelays() {
		synchronized (revocationNanos) {
			return List.copyOf(revocationNanos);
		}
	}

}
