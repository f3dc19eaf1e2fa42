package dev.portcullis.gateway.lean;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.portcullis.gateway.core.RequestView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests the lean path takes, route order kept: no server. */
class LeanRoutesTests {

	private static Route route(String id) {
		return Route.async().id(id).uri("http://upstream").predicate((exchange) -> true).build();
	}

	private static LeanRoute.RoutePredicate pathStartsWith(String prefix) {
		return (request, variables) -> {
			variables.put("seen", request.rawPath());
			return request.rawPath().startsWith(prefix);
		};
	}

	private static LeanRoute lean(String id, String prefix) {
		return new LeanRoute(route(id), List.of(pathStartsWith(prefix)), List.of(), List.of(), List.of(),
				URI.create("http://upstream"), null);
	}

	private static RequestView get(String path) {
		return new RequestView(HttpMethod.GET, path, null, new HttpHeaders(), null);
	}

	@Test
	void firstMatchingRouteDecidesAndItsVariablesCome() {
		LeanRoutes routes = new LeanRoutes(null, null, null, null);
		routes.replace(List.of(LeanRoutes.Entry.lean(lean("a", "/a")),
				LeanRoutes.Entry.fullChain(route("b"), List.of(pathStartsWith("/b")), "filter X"),
				LeanRoutes.Entry.lean(lean("b2", "/b"))));

		assertThat(routes.match(get("/a/1")).route().route().getId()).isEqualTo("a");
		assertThat(routes.match(get("/a/1")).variables()).isEqualTo(Map.of("seen", "/a/1"));
		assertThat(routes.match(get("/b/1"))).as("the first match runs on the full chain").isNull();
		assertThat(routes.match(get("/c"))).as("no route").isNull();
	}

	@Test
	void routeAfterOneWhosePredicatesTheLeanPathCannotEvaluateIsLeftToTheFullChain() {
		LeanRoutes routes = new LeanRoutes(null, null, null, null);
		routes.replace(List.of(LeanRoutes.Entry.lean(lean("a", "/a")), LeanRoutes.Entry.opaque(route("x"), "predicate Cookie"),
				LeanRoutes.Entry.lean(lean("c", "/c"))));

		assertThat(routes.match(get("/a"))).isNotNull();
		assertThat(routes.match(get("/c"))).isNull();
	}

	@Test
	void startUpLineNamesWhereEachRouteRunsAndWhy() {
		assertThat(LeanRoutes.report(List.of(LeanRoutes.Entry.lean(lean("a", "/a")),
				LeanRoutes.Entry.opaque(route("x"), "predicate Cookie"))))
			.isEqualTo("Lean path: [a]; on Spring Cloud Gateway's chain: [x (predicate Cookie)]");
	}

	@ParameterizedTest
	@CsvSource({ "/api/x, 1, /x", "/api/x/, 1, /x/", "/api, 1, /", "/a/b/c, 2, /c", "//api//x, 1, /x" })
	void stripPrefixAsSpringCloudGateway(String raw, int parts, String stripped) {
		assertThat(LeanRouteCompiler.stripPrefix(raw, parts)).isEqualTo(stripped);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/a b", "/a\"", "/a<", "/a{", "/a|", "/a%zz", "/a%2", "/caf\u00e9", "/a#f", "/a\\b" })
	void requestTargetThatAUriWouldNotTakeAsItIsIsLeftToWebFlux(String target) {
		assertThat(LeanPath.isPlainTarget(target)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/api/x?q=1&r=%20", "/a;b", "/a/%2e%2e", "/~user/x.json?a=b=c" })
	void plainRequestTargetIsTakenAsItIs(String target) {
		assertThat(LeanPath.isPlainTarget(target)).isTrue();
	}

}
