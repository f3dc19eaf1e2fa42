package dev.portcullis.gateway.route;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.server.PathContainer;

import static org.assertj.core.api.Assertions.assertThat;

class RoutePolicyTests {

	private final RoutePolicy policy = new RoutePolicy(List.of("/docs/**"));

	private static Route route(Map<String, Object> metadata) {
		return Route.async().id("r").uri("http://upstream").predicate((exchange) -> true).metadata(metadata).build();
	}

	@Test
	void isPublicWhenNoMetadataThenDenyByDefault() {
		assertThat(this.policy.isPublic(route(Map.of()), PathContainer.parsePath("/api/x"))).isFalse();
	}

	@Test
	void isPublicWhenMetadataTrueThenPublic() {
		assertThat(this.policy.isPublic(route(Map.of("public", true)), PathContainer.parsePath("/api/x"))).isTrue();
		assertThat(this.policy.isPublic(route(Map.of("public", "true")), PathContainer.parsePath("/api/x"))).isTrue();
	}

	@Test
	void isPublicWhenMetadataNotTrueThenProtected() {
		assertThat(this.policy.isPublic(route(Map.of("public", "yes")), PathContainer.parsePath("/api/x"))).isFalse();
		assertThat(this.policy.isPublic(route(Map.of("public", false)), PathContainer.parsePath("/api/x"))).isFalse();
	}

	@Test
	void isPublicWhenPathMatchesPublicPatternThenPublic() {
		assertThat(this.policy.isPublic(route(Map.of()), PathContainer.parsePath("/docs/a/b"))).isTrue();
		assertThat(this.policy.isPublic(route(Map.of()), PathContainer.parsePath("/docsx"))).isFalse();
	}

	@Test
	void isPublicWhenNoRouteThenProtected() {
		assertThat(this.policy.isPublic(null, PathContainer.parsePath("/api/x"))).isFalse();
	}

}
