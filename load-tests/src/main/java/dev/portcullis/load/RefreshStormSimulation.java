package dev.portcullis.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Refresh storm: every user refreshes at the same moment, and a share of them
 * ({@code twoTabShare}, default 0.2) do it from two "tabs" at once with the same refresh token.
 * Within the grace window the auth service hands both tabs the same successor, so nobody is
 * logged out: any failed refresh is a false logout and fails the run. Each tab then calls the
 * protected route with its new access cookie.
 */
public class RefreshStormSimulation extends Simulation {

	private static final Map<String, Set<String>> successors = new ConcurrentHashMap<>();

	private final LoadSettings settings = LoadSettings.fromSystemProperties();

	private final List<Map<String, Object>> tabs = withSecondTabs(
			Sessions.read(this.settings.requireSessions(), this.settings.users()), LoadSettings.fraction("twoTabShare", 0.2));

	private final ScenarioBuilder storm = scenario("refresh storm").feed(Sessions.feeder(this.tabs))
		.exec(Flows.refresh(this.settings, "#{refreshName}"))
		.exitHereIfFailed()
		.exec((session) -> {
			successors.computeIfAbsent(session.getString("userId"), (user) -> ConcurrentHashMap.newKeySet())
				.add(session.getString("refresh"));
			return session;
		})
		.exec(Flows.patiently("call after refresh", (name) -> Flows.get(name, this.settings), 200));

	{
		setUp(this.storm.injectOpen(Flows.stormArrivals(this.tabs.size(), this.settings)))
			.protocols(Flows.protocol(this.settings))
			.maxDuration(this.settings.duration())
			.assertions(global().failedRequests().count().is(0L));
	}

	/** Each session once, and the first {@code share} of them a second time, right after the first. */
	static List<Map<String, Object>> withSecondTabs(List<Map<String, Object>> sessions, double share) {
		int twoTabUsers = (int) Math.round(sessions.size() * share);
		List<Map<String, Object>> tabs = new ArrayList<>();
		for (int i = 0; i < sessions.size(); i++) {
			tabs.add(tab(sessions.get(i), "refresh"));
			if (i < twoTabUsers) {
				tabs.add(tab(sessions.get(i), "refresh (second tab, same token)"));
			}
		}
		return tabs;
	}

	private static Map<String, Object> tab(Map<String, Object> session, String refreshName) {
		Map<String, Object> tab = new HashMap<>(session);
		tab.put("refreshName", refreshName);
		return tab;
	}

	@Override
	public void before() {
		successors.clear();
		Flows.resetCounts();
	}

	@Override
	public void after() {
		System.out.printf("Refresh storm: %d tabs of %d users refreshed; users whose two tabs got different successors: %d "
				+ "(expected 0); %s%n", this.tabs.size(), this.settings.users(), usersWithTwoSuccessors(), Flows.retrySummary());
	}

	/** Users of the last run in this JVM whose tabs were handed different successors. */
	public static long usersWithTwoSuccessors() {
		return successors.values().stream().filter((set) -> set.size() > 1).count();
	}

}
