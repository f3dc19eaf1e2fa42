package dev.portcullis.e2e;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user journey ({@link EndToEndFlow}, the one our gateway runs) through a team's own Spring
 * Cloud Gateway that has only the starter and the documented settings, and the team's own
 * pieces working beside it.
 */
@ExtendWith(TeamGateway.Started.class)
class TeamGatewayJourneyTests {

	static final String REQUEST_ID = "X-Team-Request-Id";

	private final TeamGateway team;

	private final WebTestClient client;

	TeamGatewayJourneyTests(TeamGateway team) {
		this.team = team;
		this.client = WebTestClient.bindToServer().baseUrl(team.uri()).responseTimeout(Duration.ofSeconds(20)).build();
	}

	@Test
	void journeyWhenTeamGatewayWithStarterThenWholeJourneyWorksAndLogsHoldNoSecrets() throws Exception {
		EndToEndFlow flow = new EndToEndFlow(this.team.portcullis);
		flow.run();
		flow.assertNoSecretsIn(this.team.portcullis.allLogs());
	}

	/** The team's global filter runs on a checked request; a caller cannot choose the id. */
	@Test
	void requestWhenCheckedThenTeamFilterIdReachesUpstreamAndCaller() {
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri(GatewayApp.TEAM.ordersPath + "/42")
			.cookie(EndToEndFlow.ACCESS, TeamGateway.tokens().valid())
			.header(REQUEST_ID, "chosen-by-caller")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.path")
			.isEqualTo("/orders/42")
			.returnResult();
		String id = result.getResponseHeaders().getFirst(REQUEST_ID);
		assertThat(id).isNotBlank().isNotEqualTo("chosen-by-caller");
		assertThat(new String(result.getResponseBody())).contains("\"" + REQUEST_ID + "\":[\"" + id + "\"]");
	}

	/** The team's actuator, on its own base path, is not a route: no token asked for. */
	@Test
	void healthWhenTeamActuatorThenAnswersWithoutToken() {
		this.client.get()
			.uri("/manage/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	/** The access check covers the team's route with no Portcullis settings on it. */
	@Test
	void requestWhenTeamRouteWithoutCookieThenTokenMissing() {
		this.client.get()
			.uri(GatewayApp.TEAM.ordersPath)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\".*")
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("token_missing");
	}

	/** What a single-page app loads from the gateway it talks to. */
	@Test
	void clientScriptWhenRequestedThenServedByTheStarter() {
		this.client.get()
			.uri("/portcullis-client.js")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches(HttpHeaders.CONTENT_TYPE, ".*javascript.*");
	}

}
