package dev.portcullis.gateway.lean;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.gateway.core.RequestView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionLocator;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;

/**
 * The routes as the lean path sees them, in Spring Cloud Gateway's order, rebuilt whenever it
 * has refreshed its routes. A request belongs to the lean path when the first route that matches
 * it runs there; when that route runs on the full chain, or a route before it has a predicate
 * the lean path cannot evaluate, the request goes to Spring Cloud Gateway, which decides as
 * always. Each rebuild logs one line naming where each route runs.
 */
final class LeanRoutes implements ApplicationListener<RefreshRoutesResultEvent> {

	private static final Logger logger = LoggerFactory.getLogger(LeanRoutes.class);

	private final RouteLocator routeLocator;

	private final RouteDefinitionLocator definitions;

	private final LeanRouteCompiler compiler;

	/** Why every route runs on the full chain, or {@code null}. */
	private final String everyRouteReason;

	private volatile List<Entry> entries = List.of();

	LeanRoutes(RouteLocator routeLocator, RouteDefinitionLocator definitions, LeanRouteCompiler compiler,
			String everyRouteReason) {
		this.routeLocator = routeLocator;
		this.definitions = definitions;
		this.compiler = compiler;
		this.everyRouteReason = everyRouteReason;
	}

	/** Whether the lean path runs at all. */
	boolean active() {
		return this.everyRouteReason == null;
	}

	/**
	 * @return the lean route for the request with its URI template variables, or {@code null}
	 * when Spring Cloud Gateway's chain decides it
	 */
	Match match(RequestView request) {
		for (Entry entry : this.entries) {
			if (entry.predicates() == null) {
				return null;
			}
			Map<String, String> variables = null;
			boolean matched = true;
			for (LeanRoute.RoutePredicate predicate : entry.predicates()) {
				variables = (variables != null) ? variables : new HashMap<>(4);
				if (!predicate.test(request, variables)) {
					matched = false;
					break;
				}
			}
			if (matched) {
				return (entry.lean() != null) ? new Match(entry.lean(), (variables != null) ? variables : Map.of())
						: null;
			}
		}
		return null;
	}

	@Override
	public void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (event.getThrowable() != null) {
			// Spring Cloud Gateway kept its previous routes; so does the lean path
			return;
		}
		// the locators answer from memory (configured routes); the listener cannot return their publisher
		Mono.zip(this.routeLocator.getRoutes().collectList(), this.definitions.getRouteDefinitions().collectList())
			.subscribe((found) -> install(found.getT1(), found.getT2()),
					(ex) -> logger.warn("Routes not rebuilt for the lean path, previous ones kept: {}", ex.toString()));
	}

	void install(List<Route> routes, List<RouteDefinition> definitions) {
		Map<String, RouteDefinition> byId = new HashMap<>();
		definitions.forEach((definition) -> byId.putIfAbsent(definition.getId(), definition));
		List<Entry> built = new ArrayList<>(routes.size());
		for (Route route : routes) {
			built.add((this.everyRouteReason != null) ? Entry.opaque(route, this.everyRouteReason)
					: this.compiler.compile(route, byId.get(route.getId())));
		}
		replace(built);
		logger.info((this.everyRouteReason != null)
				? "Lean path off, every route on Spring Cloud Gateway's chain: " + this.everyRouteReason
				: report(built));
	}

	void replace(List<Entry> entries) {
		this.entries = List.copyOf(entries);
	}

	static String report(List<Entry> entries) {
		List<String> lean = new ArrayList<>();
		List<String> full = new ArrayList<>();
		for (Entry entry : entries) {
			if (entry.lean() != null) {
				lean.add(entry.route().getId());
			}
			else {
				full.add(entry.route().getId() + " (" + entry.reason() + ")");
			}
		}
		return "Lean path: " + lean + "; on Spring Cloud Gateway's chain: " + full;
	}

	/**
	 * A route's place in the table.
	 * @param route the route
	 * @param predicates its predicates, or {@code null} when the lean path cannot evaluate them
	 * @param lean the route as the lean path runs it, or {@code null} when it runs on the full chain
	 * @param reason why it runs on the full chain, or {@code null}
	 */
	record Entry(Route route, List<LeanRoute.RoutePredicate> predicates, LeanRoute lean, String reason) {

		static Entry opaque(Route route, String reason) {
			return new Entry(route, null, null, reason);
		}

		static Entry fullChain(Route route, List<LeanRoute.RoutePredicate> predicates, String reason) {
			return new Entry(route, List.copyOf(predicates), null, reason);
		}

		static Entry lean(LeanRoute lean) {
			return new Entry(lean.route(), lean.predicates(), lean, null);
		}

	}

	/**
	 * A request the lean path runs.
	 * @param route its route
	 * @param variables the URI template variables its predicates found
	 */
	record Match(LeanRoute route, Map<String, String> variables) {

	}

}
