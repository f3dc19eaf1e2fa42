package dev.portcullis.gateway.lean;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.portcullis.gateway.core.RequestView;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;

/**
 * A Spring Cloud Gateway route as the lean path runs it: its predicates, its request path and
 * header steps, its response header steps, its upstream and its response timeout.
 *
 * @param route the route as Spring Cloud Gateway built it (id, metadata: the access check's
 * policy and the meters read it)
 * @param predicates all must hold
 * @param pathSteps applied in order to the raw path
 * @param requestHeaderSteps applied in order to the upstream request's headers
 * @param responseHeaderSteps applied in order to the response's headers once the upstream answered
 * @param upstream scheme, host and port of the route's URI
 * @param responseTimeout how long the upstream may take to answer, or {@code null} for no limit
 */
record LeanRoute(Route route, List<RoutePredicate> predicates, List<PathStep> pathSteps,
		List<HeaderStep> requestHeaderSteps, List<HeaderStep> responseHeaderSteps, URI upstream,
		Duration responseTimeout) {

	/** One predicate over what the lean path reads of a request. */
	interface RoutePredicate {

		/**
		 * @param request the request
		 * @param variables where URI template variables found go
		 */
		boolean test(RequestView request, Map<String, String> variables);

	}

	/** One rewrite of the raw path, from the path so far and the URI template variables. */
	interface PathStep {

		String apply(String rawPath, Map<String, String> variables);

	}

	/** One change to a header map. */
	interface HeaderStep {

		void apply(HttpHeaders headers);

	}

}
