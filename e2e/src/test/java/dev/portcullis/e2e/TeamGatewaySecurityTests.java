package dev.portcullis.e2e;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.portcullis.testsupport.HostileTokens;
import dev.portcullis.testsupport.PathTricks;
import dev.portcullis.testsupport.SpoofedHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.netty.http.client.HttpClient;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security tables the gateway's own tests use, run against a team's own gateway with the
 * starter ({@link TeamGateway}): hostile tokens, forged identity and forwarding headers, paths
 * read differently behind, cross-site writes. Requests come from 127.0.0.2, so the address the
 * upstream is told can be told from the gateway's own.
 */
@ExtendWith(TeamGateway.Started.class)
class TeamGatewaySecurityTests {

	static final String ORDERS = GatewayApp.TEAM.ordersPath;

	/**
	 * {@code server.max-http-request-header-size} as the starter sizes it when the application
	 * does not (the team's gateway does not): room for a default-size access token and 12 KB.
	 */
	static final int STARTER_MAX_HEADER_SIZE = 16 * 1024;

	private final TeamGateway team;

	private final WebTestClient client;

	TeamGatewaySecurityTests(TeamGateway team) {
		this.team = team;
		HttpClient fromClientAddress = HttpClient.create()
			.bindAddress(() -> new InetSocketAddress(EndToEndFlow.CLIENT_ADDRESS, 0));
		this.client = WebTestClient.bindToServer(new ReactorClientHttpConnector(fromClientAddress))
			.baseUrl(team.uri())
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	static List<HostileTokens.Case> hostileTokens() {
		return TeamGateway.tokens().cases();
	}

	/** Without it every refusal below could come from a gateway that refuses everything. */
	@Test
	void requestWhenTokenSignedByTrustedKeyThenUpstreamSeesItsIdentity() {
		this.client.get()
			.uri(ORDERS)
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.identity['X-User-Id']")
			.isEqualTo(TeamGateway.USER_ID)
			.jsonPath("$.identity['X-Session-Id']")
			.isEqualTo(TeamGateway.SESSION_ID);
	}

	/**
	 * Every case is refused with its code, but those whose cookie alone is over the request-head
	 * limit the starter gives the team's gateway (16 KB): its server answers 431 before any
	 * filter runs.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileTokens")
	void requestWhenHostileTokenThenRefusedWithItsCode(HostileTokens.Case hostile) {
		String cookies = hostile.cookieValues()
			.stream()
			.map((value) -> EndToEndFlow.ACCESS + "=" + value)
			.collect(Collectors.joining("; "));
		if (cookies.length() > STARTER_MAX_HEADER_SIZE) {
			this.client.get()
				.uri(ORDERS)
				.header(HttpHeaders.COOKIE, cookies)
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
			return;
		}
		this.client.get()
			.uri(ORDERS)
			.header(HttpHeaders.COOKIE, cookies)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo(hostile.expectedCode());
	}

	/** On the team's rewritten route, and toward the auth service's internal paths through its public route. */
	static Stream<String> pathTricks() {
		return Stream.concat(PathTricks.under(ORDERS).stream(), PathTricks.under("/auth").stream());
	}

	@ParameterizedTest
	@MethodSource("pathTricks")
	void requestWhenPathCouldBeReadDifferentlyBehindThenInvalidPath(String path) {
		this.client.get()
			.uri(URI.create(this.team.uri() + path))
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("invalid_path");
	}

	@Test
	void requestWhenClientForgesIdentityHeadersThenUpstreamSeesOnlyTheVerifiedIdentity() {
		Map<String, List<String>> upstream = upstreamHeaders(this.client.get()
			.uri(ORDERS)
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.headers((headers) -> SpoofedHeaders.IDENTITY.forEach(headers::add)));
		assertThat(upstream).doesNotContainKeys("x_user_id", "x_user_roles", "x-user_email", "x_session_id", "x-user-email");
		assertThat(SpoofedHeaders.IDENTITY).containsKeys("X_User_Id", "x_user_roles", "X-User_Email", "X_SESSION_ID",
				"X-User-Email");
		assertThat(upstream).containsEntry("x-user-id", List.of(TeamGateway.USER_ID))
			.containsEntry("x-session-id", List.of(TeamGateway.SESSION_ID))
			.containsEntry("x-user-roles", List.of("user"));
	}

	@Test
	void requestWhenClientForgesIdentityHeadersOnPublicRouteThenUpstreamGetsNone() {
		Map<String, List<String>> upstream = upstreamHeaders(this.client.get()
			.uri(GatewayApp.TEAM_CATALOG)
			.headers((headers) -> SpoofedHeaders.IDENTITY.forEach(headers::add)));
		assertThat(upstream).doesNotContainKeys(SpoofedHeaders.IDENTITY.keySet()
			.stream()
			.map((name) -> name.toLowerCase(Locale.ROOT))
			.toArray(String[]::new));
	}

	@Test
	void requestWhenConnectionNamesIdentityHeadersThenUpstreamStillGetsTheIdentity() {
		Map<String, List<String>> upstream = upstreamHeaders(this.client.get()
			.uri(ORDERS)
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.cookie("theme", "dark")
			.header(HttpHeaders.CONNECTION, SpoofedHeaders.CONNECTION_NAMING_IDENTITY)
			.header("X-Trace", "t1"));
		assertThat(upstream).containsEntry("x-user-id", List.of(TeamGateway.USER_ID))
			.containsEntry("x-session-id", List.of(TeamGateway.SESSION_ID))
			.containsEntry("cookie", List.of("theme=dark"))
			.doesNotContainKey("x-trace");
	}

	@Test
	void requestWhenClientSendsForwardingHeadersThenUpstreamSeesOnlyTheClientsOwnAddress() {
		Map<String, List<String>> upstream = upstreamHeaders(this.client.get()
			.uri(ORDERS)
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.headers((headers) -> SpoofedHeaders.FORWARDING.forEach(headers::addAll)));
		assertThat(upstream).containsEntry("x-forwarded-for", List.of(EndToEndFlow.CLIENT_ADDRESS))
			.doesNotContainKey("forwarded");
	}

	@Test
	void postWhenNoOriginNorFetchSiteThenCsrfRejected() {
		this.client.post()
			.uri(ORDERS)
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("csrf_rejected");
	}

	@Test
	void postWhenForeignOriginThenCsrfRejected() {
		this.client.post()
			.uri(ORDERS)
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.header(HttpHeaders.ORIGIN, "https://evil.example")
			.header("Sec-Fetch-Site", "cross-site")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("csrf_rejected");
	}

	@Test
	void postWhenAllowedOriginThenProxied() {
		this.client.post()
			.uri(ORDERS)
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.header(HttpHeaders.ORIGIN, EndToEndFlow.ORIGIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.method")
			.isEqualTo("POST");
	}

	@Test
	void requestWhenUnauthorizedFromAllowedOriginThenCorsHeadersOnTheProblem() {
		this.client.get()
			.uri(ORDERS)
			.header(HttpHeaders.ORIGIN, EndToEndFlow.ORIGIN)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, EndToEndFlow.ORIGIN)
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
	}

	/** The headers the sample upstream received, names in lower case. */
	@SuppressWarnings("unchecked")
	private static Map<String, List<String>> upstreamHeaders(WebTestClient.RequestHeadersSpec<?> request) {
		Map<String, Object> echo = request.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(echo).containsEntry("service", "sample-upstream");
		Map<String, List<String>> headers = (Map<String, List<String>>) echo.get("headers");
		return headers.entrySet()
			.stream()
			.collect(Collectors.toMap((entry) -> entry.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
	}

}
