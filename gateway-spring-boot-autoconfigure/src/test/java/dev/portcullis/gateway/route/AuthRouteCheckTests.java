package dev.portcullis.gateway.route;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.cloud.gateway.route.RouteDefinition;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class AuthRouteCheckTests {

	private static final URI JWKS = URI.create("http://auth-service:8081/.well-known/jwks.json");

	@ParameterizedTest
	@ValueSource(strings = { "http://auth-service:8081", "HTTP://Auth-Service:8081/", "ws://auth-service:8081/x" })
	void checkWhenRouteToAuthServiceWithoutForwardAuthCookiesThenRefusedNamingRouteAndFix(String uri) {
		List<RouteDefinition> routes = List.of(route("api", "http://upstream:8082", Map.of()),
				route("my-auth", uri, Map.of("public", true)));

		assertThatIllegalStateException().isThrownBy(() -> AuthRouteCheck.check(routes, JWKS))
			.withMessageContaining("Route 'my-auth'")
			.withMessageContaining("forward-auth-cookies: true");
	}

	@ParameterizedTest
	@ValueSource(strings = { "true", " TRUE " })
	void checkWhenRouteToAuthServiceForwardsAuthCookiesThenAccepted(String flag) {
		List<RouteDefinition> routes = List.of(route("auth", "http://auth-service:8081", Map.of(
				RoutePolicy.FORWARD_AUTH_COOKIES, flag)));

		assertThatNoException().isThrownBy(() -> AuthRouteCheck.check(routes, JWKS));
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://auth-service:8082", "https://auth-service:8081", "http://other:8081",
			"lb://auth-service", "forward:/x" })
	void checkWhenRouteToAnotherOriginThenAccepted(String uri) {
		List<RouteDefinition> routes = List.of(route("api", uri, Map.of()));

		assertThatNoException().isThrownBy(() -> AuthRouteCheck.check(routes, JWKS));
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://auth.example.com", "https://auth.example.com:443/" })
	void checkWhenDefaultPortWrittenOrNotThenSameOrigin(String uri) {
		List<RouteDefinition> routes = List.of(route("auth", uri, Map.of()));

		assertThatIllegalStateException()
			.isThrownBy(() -> AuthRouteCheck.check(routes, URI.create("https://auth.example.com/.well-known/jwks.json")));
	}

	private static RouteDefinition route(String id, String uri, Map<String, Object> metadata) {
		RouteDefinition route = new RouteDefinition();
		route.setId(id);
		route.setUri(URI.create(uri));
		route.setMetadata(metadata);
		return route;
	}

}
