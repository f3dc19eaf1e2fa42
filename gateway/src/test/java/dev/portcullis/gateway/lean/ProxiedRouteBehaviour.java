package dev.portcullis.gateway.lean;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestTokens;
import dev.portcullis.testsupport.RawHttpConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a proxied route does, whichever path runs it: the subclasses run the same requests with the
 * lean path on ({@link LeanPathIntegrationTests}) and off ({@link FullChainIntegrationTests}), and
 * check which path served them.
 */
abstract class ProxiedRouteBehaviour {

	static final String ACCESS = "__Host-access_token";

	static final String APP_ORIGIN = "https://app.example.com";

	@Autowired
	WebTestClient client;

	@Autowired
	WebFluxRequests webFlux;

	@LocalServerPort
	int port;

	/** Whether the routes below ran on the lean path. */
	abstract boolean lean();

	abstract EchoUpstream upstream();

	abstract RSAKey key();

	@BeforeEach
	void keysLoadedAndEarlierRequestsForgotten() {
		String token = TestTokens.accessToken(key()).sign();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> this.client.get().uri("/p/ready").cookie(ACCESS, token).exchange().expectStatus().isOk());
		this.webFlux.paths.clear();
	}

	static void properties(DynamicPropertyRegistry registry, boolean lean, FakeJwksServer jwks, FakeRevocationFeed feed,
			EchoUpstream upstream, BodyEchoUpstream bodies) {
		registry.add("portcullis.gateway.lean-path.enabled", () -> Boolean.toString(lean));
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("portcullis.gateway.cors.allowed-origins", () -> APP_ORIGIN);
		registry.add("management.server.port", () -> "0");
		route(registry, 0, "rewrite", upstream.uri(), List.of("Path=/rw/**"), List.of(
				"RewritePath=/rw/(?<rest>.*), /$\\{rest}", "AddRequestHeader=X-Added, added", "RemoveRequestHeader=X-Drop",
				"SetRequestHeader=X-Set, set", "AddResponseHeader=X-Resp, resp", "SetResponseHeader=Content-Type, text/x-set",
				"RemoveResponseHeader=X-Internal"), "public");
		route(registry, 1, "setpath", upstream.uri(), List.of("Path=/sp/{name}"), List.of("SetPath=/named/{name}"),
				"public");
		route(registry, 2, "prefix", upstream.uri(), List.of("Path=/px/**", "Method=GET,HEAD"),
				List.of("PrefixPath=/base"), "public");
		route(registry, 3, "host", upstream.uri(), List.of("Path=/hosted/**", "Host=**.example.org"), List.of(), "public");
		route(registry, 4, "body", bodies.uri(), List.of("Path=/body/**"), List.of("StripPrefix=1"), "public");
		route(registry, 5, "full-chain", upstream.uri(), List.of("Path=/full/**"), List.of("PreserveHostHeader"),
				"public");
		route(registry, 6, "protected", upstream.uri(), List.of("Path=/p/**"), List.of("StripPrefix=1"));
		route(registry, 7, "slow", upstream.uri(), List.of("Path=/slow/**"), List.of(), "public");
		registry.add("spring.cloud.gateway.server.webflux.routes[7].metadata.response-timeout", () -> "500");
		route(registry, 8, "dead", "http://127.0.0.1:" + closedPort(), List.of("Path=/dead/**"), List.of(), "public");
	}

	private static void route(DynamicPropertyRegistry registry, int index, String id, String uri,
			List<String> predicates, List<String> filters, String... flags) {
		String prefix = "spring.cloud.gateway.server.webflux.routes[" + index + "].";
		registry.add(prefix + "id", () -> id);
		registry.add(prefix + "uri", () -> uri);
		for (int i = 0; i < predicates.size(); i++) {
			String predicate = predicates.get(i);
			registry.add(prefix + "predicates[" + i + "]", () -> predicate);
		}
		for (int i = 0; i < filters.size(); i++) {
			String filter = filters.get(i);
			registry.add(prefix + "filters[" + i + "]", () -> filter);
		}
		Arrays.stream(flags).forEach((flag) -> registry.add(prefix + "metadata." + flag, () -> "true"));
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The request target as written, escapes included (a URI template would escape the {@code %}). */
	private java.net.URI raw(String target) {
		return java.net.URI.create("http://127.0.0.1:" + this.port + target);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> echo(WebTestClient.RequestHeadersSpec<?> request) {
		return request.exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, List<String>> headers(Map<String, Object> echo) {
		return (Map<String, List<String>>) echo.get("headers");
	}

	private void ranOnTheExpectedPath(String path) {
		if (lean()) {
			assertThat(this.webFlux.paths).as("requests that reached WebFlux").doesNotContain(path);
		}
		else {
			assertThat(this.webFlux.paths).as("requests that reached WebFlux").contains(path);
		}
	}

	@Test
	void pathAndHeaderFiltersRewriteTheRequestAndResponseAsSpringCloudGatewayDoes() {
		WebTestClient.ResponseSpec response = this.client.get()
			.uri(raw("/rw/a/b?q=1&r=%20"))
			.header("X-Drop", "gone")
			.header("X-Set", "client")
			.header("X-Echo-Response", "X-Internal=secret")
			.exchange();

		response.expectStatus().isOk()
			.expectHeader().valueEquals("X-Resp", "resp")
			.expectHeader().valueEquals("Content-Type", "text/x-set")
			.expectHeader().doesNotExist("X-Internal");
		String body = response.expectBody(String.class).returnResult().getResponseBody();
		assertThat(body).contains("\"path\":\"/a/b?q=1&r=%20\"").contains("\"x-added\":[\"added\"]")
			.contains("\"x-set\":[\"set\"]")
			.doesNotContain("x-drop");
		ranOnTheExpectedPath("/rw/a/b");
	}

	@Test
	void setPathAndPrefixPathUseThePathsTemplateVariables() {
		assertThat(echo(this.client.get().uri("/sp/abc")).get("path")).isEqualTo("/named/abc");
		assertThat(echo(this.client.get().uri("/px/q?x=1")).get("path")).isEqualTo("/base/px/q?x=1");
		this.client.get().uri("/sp/abc/").exchange().expectStatus().isNotFound(); // no trailing slash forgiven
		ranOnTheExpectedPath("/sp/abc");
		ranOnTheExpectedPath("/px/q");
	}

	@Test
	void routeWhosePredicatesDoNotHoldIsNotMatched() {
		this.client.post().uri("/px/q").header("Origin", APP_ORIGIN).exchange().expectStatus().isNotFound();
		this.client.get().uri("/hosted/x").exchange().expectStatus().isNotFound();
		assertThat(echo(this.client.get().uri("/hosted/x").header("Host", "api.example.org")).get("path"))
			.isEqualTo("/hosted/x");
	}

	@Test
	void routeWithAFilterTheLeanPathDoesNotKnowRunsOnSpringCloudGatewaysChain() {
		Map<String, Object> echo = echo(this.client.get().uri("/full/x").header("Host", "kept.example"));

		assertThat(headers(echo).get("host")).containsExactly("kept.example");
		assertThat(this.webFlux.paths).contains("/full/x");
	}

	@Test
	void hopByHopHeadersAndSpoofedIdentityNeverReachTheUpstream() {
		Map<String, Object> echo = echo(this.client.get()
			.uri("/sp/x")
			.header("Connection", "X-Private, keep-alive")
			.header("X-Private", "hop")
			.header("Keep-Alive", "timeout=5")
			.header("X-User-Id", "admin")
			.header("X_Session_Id", "s")
			.header("Forwarded", "for=1.2.3.4")
			.header("X-Forwarded-For", "1.2.3.4")
			.header("Cookie", ACCESS + "=stolen; theme=dark"));

		Map<String, List<String>> seen = headers(echo);
		assertThat(seen).doesNotContainKeys("x-private", "keep-alive", "connection", "x-user-id", "x_session_id",
				"forwarded");
		assertThat(seen.get("x-forwarded-for")).containsExactly("127.0.0.1");
		assertThat(seen.get("cookie")).containsExactly("theme=dark");
		assertThat(seen.get("host").get(0)).startsWith("127.0.0.1:");
	}

	@Test
	void protectedRouteAnswersIdentityFromTheVerifiedCookieOnly() {
		this.client.get()
			.uri("/p/x")
			.exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.code").isEqualTo("token_missing");
		String token = TestTokens.accessToken(key()).sign();

		Map<String, Object> echo = echo(this.client.get().uri("/p/x").header("Cookie", ACCESS + "=" + token)
			.header("X-User-Id", "admin"));

		assertThat(echo.get("path")).isEqualTo("/x");
		assertThat(headers(echo).get("x-user-id")).containsExactly(TestTokens.USER_ID);
		assertThat(headers(echo)).doesNotContainKey("cookie");
		ranOnTheExpectedPath("/p/x");
	}

	@Test
	void unsafeCrossSiteRequestAndDotSegmentsAreRefusedAsProblems() {
		this.client.post().uri("/sp/x").exchange()
			.expectStatus().isForbidden()
			.expectBody().jsonPath("$.code").isEqualTo("csrf_rejected");
		this.client.get().uri(raw("/sp/%2e%2e")).exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.code").isEqualTo("invalid_path");
	}

	@Test
	void corsPreflightIsAnsweredAndUpstreamCorsHeadersAreReplaced() {
		this.client.options().uri("/sp/x").header("Origin", APP_ORIGIN)
			.header("Access-Control-Request-Method", "POST")
			.exchange()
			.expectStatus().isNoContent()
			.expectHeader().valueEquals("Access-Control-Allow-Origin", APP_ORIGIN);
		this.client.get().uri("/sp/x").header("Origin", "https://evil.example").exchange()
			.expectStatus().isOk()
			.expectHeader().doesNotExist("Access-Control-Allow-Origin")
			.expectHeader().doesNotExist("Access-Control-Expose-Headers");
		this.client.get().uri("/sp/x").header("Origin", APP_ORIGIN).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals("Access-Control-Allow-Origin", APP_ORIGIN)
			.expectHeader().valueEquals("Access-Control-Allow-Credentials", "true");
	}

	@Test
	void bodyIsStreamedBothWaysChunkedOrWithItsLength() {
		// past one read buffer both ways, within the test client's 256 KB
		byte[] large = new byte[3 * 65536];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) (i * 31);
		}
		WebTestClient.ResponseSpec sized = this.client.post().uri("/body/upload").header("Origin", APP_ORIGIN)
			.bodyValue(large).exchange();
		sized.expectStatus().isOk().expectHeader().valueEquals("X-Received-Length", Integer.toString(large.length));
		assertThat(sized.expectBody(byte[].class).returnResult().getResponseBody()).isEqualTo(large);

		WebTestClient.ResponseSpec chunked = this.client.post().uri("/body/upload").header("Origin", APP_ORIGIN)
			.body(reactor.core.publisher.Flux.range(0, 3).map((i) -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance
				.wrap(Arrays.copyOfRange(large, i * 65536, (i + 1) * 65536))), org.springframework.core.io.buffer.DataBuffer.class)
			.exchange();
		chunked.expectStatus().isOk().expectHeader().valueEquals("X-Received-Encoding", "chunked");
		assertThat(chunked.expectBody(byte[].class).returnResult().getResponseBody()).isEqualTo(large);
		ranOnTheExpectedPath("/body/upload");
	}

	@Test
	void expectContinueIsAnsweredBeforeTheBodyIsSent() throws IOException {
		try (RawHttpConnection connection = new RawHttpConnection(this.port, Duration.ofSeconds(5))) {
			connection.send("POST /body/upload HTTP/1.1\r\nHost: localhost\r\nOrigin: " + APP_ORIGIN
					+ "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
			assertThat(connection.readStatus()).isEqualTo(100);
			connection.send("hello");
			assertThat(connection.readStatus()).isEqualTo(200);
		}
	}

	@Test
	void upstreamFailuresAreTheSameProblemsOnBothPaths() {
		this.client.get().uri("/slow/x").exchange()
			.expectStatus().isEqualTo(504)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.code").isEqualTo("gateway_timeout");
		this.client.get().uri("/dead/x").header(HttpHeaders.ORIGIN, APP_ORIGIN).exchange()
			.expectStatus().isEqualTo(502)
			.expectHeader().valueEquals("Access-Control-Allow-Origin", APP_ORIGIN)
			.expectBody().jsonPath("$.code").isEqualTo("bad_gateway");
		ranOnTheExpectedPath("/dead/x");
	}

}
