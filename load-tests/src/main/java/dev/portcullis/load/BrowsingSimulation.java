package dev.portcullis.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Authenticated browsing: {@code users} virtual users, each with a seeded session, call a
 * protected route {@code rate} times a second for {@code duration}, refreshing when the access
 * token expires. Answers 429/503 are waited out and retried, as the browser client does. Passes
 * only with no failed request: no false logout, no timeout, no error.
 */
public class BrowsingSimulation extends Simulation {

	private final LoadSettings settings = LoadSettings.fromSystemProperties();

	private final ScenarioBuilder browsing = scenario("authenticated browsing")
		.feed(Sessions.feeder(Sessions.read(this.settings.requireSessions(), this.settings.users())))
		.exec(Flows.browse(this.settings));

	{
		setUp(this.browsing.injectOpen(Flows.arrivals(this.settings.users(), this.settings)))
			.protocols(Flows.protocol(this.settings))
			.maxDuration(this.settings.ramp().plus(this.settings.duration()).plusSeconds(30))
			.assertions(global().failedRequests().count().is(0L));
	}

	@Override
	public void before() {
		Flows.resetCounts();
	}

	@Override
	public void after() {
		System.out.println("Browsing: " + Flows.retrySummary());
	}

	/** Answers 429/503 waited out and retried by the last run in this JVM. */
	public static long retriedAnswers() {
		return Flows.retriedAnswers();
	}

	/** Refreshes answered 401 (false logouts) in the last run in this JVM. */
	public static long refusedRefreshes() {
		return Flows.refusedRefreshes();
	}

}
