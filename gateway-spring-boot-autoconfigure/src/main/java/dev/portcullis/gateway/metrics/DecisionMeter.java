package dev.portcullis.gateway.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.cloud.gateway.route.Route;

/**
 * Counts the gateway's decisions, {@value #NAME}, by {@code outcome} (a {@link Decision}) and
 * {@code route} (the route id; {@value #NO_ROUTE} before or without routing, as for a refused
 * path). Both tags come from small fixed sets: never a user, a token or a path.
 *
 * <p>Every outcome of every configured route is registered at start-up, so a count is one map
 * lookup and one array read on the request path, with nothing built per request. A route
 * added later (a refresh) is registered the first time it is seen. When off, recording returns
 * at once.
 */
public final class DecisionMeter {

	public static final String NAME = "portcullis.gateway.decisions";

	public static final String NO_ROUTE = "none";

	private static final DecisionMeter OFF = new DecisionMeter(null, List.of());

	private static final Decision[] DECISIONS = Decision.values();

	private final MeterRegistry registry;

	private final Map<String, Counter[]> byRoute = new ConcurrentHashMap<>();

	private final Counter[] noRoute;

	private DecisionMeter(MeterRegistry registry, Collection<String> routeIds) {
		this.registry = registry;
		if (registry == null) {
			this.noRoute = null;
			return;
		}
		this.noRoute = register(NO_ROUTE);
		for (String routeId : routeIds) {
			this.byRoute.computeIfAbsent(routeId, this::register);
		}
	}

	/**
	 * Counts into {@code registry}.
	 * @param registry where the counters live
	 * @param routeIds the routes known at start-up
	 * @return a meter with every outcome of every route registered
	 */
	public static DecisionMeter on(MeterRegistry registry, Collection<String> routeIds) {
		return new DecisionMeter(registry, routeIds);
	}

	/** A meter that counts nothing: {@code portcullis.gateway.metrics.enabled=false}. */
	public static DecisionMeter off() {
		return OFF;
	}

	/**
	 * Counts a request let through, or refused with a known outcome.
	 * @param route the matched route, or {@code null}
	 * @param decision what was decided
	 */
	public void record(Route route, Decision decision) {
		if (this.registry == null) {
			return;
		}
		counters(route)[decision.ordinal()].increment();
	}

	/**
	 * Counts a refusal by its stable code; a code that is not a decision (an upstream failure)
	 * is not counted.
	 * @param route the matched route, or {@code null}
	 * @param code the refusal's code
	 */
	public void rejected(Route route, String code) {
		if (this.registry == null) {
			return;
		}
		Decision decision = Decision.ofCode(code);
		if (decision != null) {
			counters(route)[decision.ordinal()].increment();
		}
	}

	private Counter[] counters(Route route) {
		if (route == null) {
			return this.noRoute;
		}
		Counter[] counters = this.byRoute.get(route.getId());
		return (counters != null) ? counters : this.byRoute.computeIfAbsent(route.getId(), this::register);
	}

	private Counter[] register(String routeId) {
		Counter[] counters = new Counter[DECISIONS.length];
		for (Decision decision : DECISIONS) {
			counters[decision.ordinal()] = Counter.builder(NAME)
				.description("Requests the gateway let through or refused itself, by outcome and route")
				.tag("outcome", decision.tag())
				.tag("route", routeId)
				.register(this.registry);
		}
		return counters;
	}

}
