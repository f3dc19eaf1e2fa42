package dev.portcullis.gateway.lean;

import java.time.Duration;

import dev.portcullis.gateway.core.RequestView;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped routes (application.yml, rate limits off as in ./quickstart) and where they run. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShippedRoutesIntegrationTests {

	static final FakeJwksServer jwks = new FakeJwksServer(TestKeys.rsa("k1"));

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	@Autowired
	LeanRoutes routes;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("management.server.port", () -> "0");
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		feed.close();
	}

	private String routeOf(HttpMethod method, String path) {
		LeanRoutes.Match match = this.routes.match(new RequestView(method, path, null, new HttpHeaders(), null));
		return (match != null) ? match.route().route().getId() : "full chain";
	}

	@Test
	void apiRefreshAndAuthRoutesRunOnTheLeanPathWhileRateLimitsAreOff() {
		assertThat(routeOf(HttpMethod.GET, "/api/items")).isEqualTo("sample");
		assertThat(routeOf(HttpMethod.POST, "/auth/refresh")).isEqualTo("auth-refresh");
		assertThat(routeOf(HttpMethod.POST, "/auth/logout")).isEqualTo("auth");
		assertThat(routeOf(HttpMethod.GET, "/.well-known/jwks.json")).isEqualTo("auth");
	}

	@Test
	void signInAndSignUpRunOnTheFullChainForReadAccount() {
		assertThat(routeOf(HttpMethod.POST, "/auth/login")).isEqualTo("full chain");
		assertThat(routeOf(HttpMethod.POST, "/auth/register")).isEqualTo("full chain");
	}

}
