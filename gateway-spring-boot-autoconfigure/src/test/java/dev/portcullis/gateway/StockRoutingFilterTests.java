package dev.portcullis.gateway;

import java.time.Duration;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter in an application that keeps Spring Cloud Gateway's defaults, its own routing
 * filter included, and declares its routes in the documented way: header hygiene holds both
 * ways, identity headers arrive, and {@code - PortcullisPublic} opens a route.
 */
class StockRoutingFilterTests {

	static final String ACCESS = "__Host-access_token";

	static final String REFRESH = "__Secure-refresh_token";

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	static ConfigurableApplicationContext context;

	static WebTestClient client;

	@BeforeAll
	static void start() {
		String routes = "--spring.cloud.gateway.server.webflux.routes";
		context = new SpringApplicationBuilder(TeamGateway.class).run("--server.port=0",
				"--portcullis.gateway.jwks-uri=" + jwks.uri(), "--portcullis.gateway.revocation.feed-uri=" + feed.uri(),
				"--portcullis.feed-secret=" + FakeRevocationFeed.SECRET, routes + "[0].id=api",
				routes + "[0].uri=" + upstream.uri(), routes + "[0].predicates[0]=Path=/api/**",
				routes + "[0].filters[0]=StripPrefix=1", routes + "[1].id=docs", routes + "[1].uri=" + upstream.uri(),
				routes + "[1].predicates[0]=Path=/docs/**", routes + "[1].filters[0]=PortcullisPublic");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> client.get()
				.uri("/api/ready")
				.cookie(ACCESS, TestTokens.accessToken(key).sign())
				.exchange()
				.expectStatus()
				.isOk());
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		jwks.close();
		upstream.close();
		feed.close();
	}

	@Test
	void springCloudGatewaysOwnRoutingFilterProxies() {
		assertThat(context.getBean("routingFilter").getClass()).isEqualTo(NettyRoutingFilter.class);
		assertThat(context.containsBean("upstreamRoutingFilter")).isFalse();
	}

	@Test
	void protectedCallGetsTheVerifiedIdentityAndNeitherAuthCookiesNorSpoofedIdentity() {
		client.get()
			.uri("/api/items")
			.cookie(ACCESS, TestTokens.accessToken(key).sign())
			.cookie(REFRESH, "opaque-refresh")
			.cookie("theme", "dark")
			.header("X-User-Id", "00000000-0000-0000-0000-000000000000")
			.header("X-User-Roles", "admin")
			.header("X-Session-Id", "spoofed")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.headers['x-user-id'].length()")
			.isEqualTo(1)
			.jsonPath("$.headers['x-user-id'][0]")
			.isEqualTo(TestTokens.USER_ID)
			.jsonPath("$.headers['x-session-id'][0]")
			.isEqualTo(TestTokens.SESSION_ID)
			.jsonPath("$.headers['x-user-roles'][0]")
			.value((roles) -> assertThat(roles.toString()).doesNotContain("admin"))
			.jsonPath("$.headers['cookie'].length()")
			.isEqualTo(1)
			.jsonPath("$.headers['cookie'][0]")
			.isEqualTo("theme=dark");
	}

	@Test
	void protectedCallWithoutTokenIsRefusedWithTokenMissing() {
		client.get()
			.uri("/api/items")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("token_missing");
	}

	@Test
	void routeWithThePortcullisPublicFilterNeedsNoTokenAndGetsNoIdentity() {
		client.get()
			.uri("/docs/intro")
			.header("X-User-Id", "00000000-0000-0000-0000-000000000000")
			.cookie(REFRESH, "opaque-refresh")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.headers['x-user-id']")
			.doesNotExist()
			.jsonPath("$.headers['cookie']")
			.doesNotExist();
	}

	@Test
	void upstreamCannotPlantAnAuthCookie() {
		client.get()
			.uri("/api/items")
			.cookie(ACCESS, TestTokens.accessToken(key).sign())
			.header("X-Echo-Response", "Set-Cookie=" + ACCESS + "=forged; Path=/; Secure; HttpOnly",
					"Set-Cookie=theme=dark")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.SET_COOKIE, "theme=dark");
	}

	@Test
	void upstreamSeesOneXForwardedForNamingTheClientNotWhatTheClientClaimed() {
		client.get()
			.uri("/api/items")
			.cookie(ACCESS, TestTokens.accessToken(key).sign())
			.header("X-Forwarded-For", "203.0.113.9")
			.header("Forwarded", "for=203.0.113.9")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.headers['x-forwarded-for'].length()")
			.isEqualTo(1)
			.jsonPath("$.headers['x-forwarded-for'][0]")
			.isEqualTo("127.0.0.1")
			.jsonPath("$.headers['forwarded']")
			.doesNotExist();
	}

	@Test
	void clientScriptIsServedFromTheStarterWithoutAToken() {
		client.get()
			.uri("/portcullis-client.js")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("text/javascript")
			.expectBody(String.class)
			.value((script) -> assertThat(script).contains("export"));
	}

	/** A team's gateway: nothing of its own but the starter on the class path. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TeamGateway {

	}

}
