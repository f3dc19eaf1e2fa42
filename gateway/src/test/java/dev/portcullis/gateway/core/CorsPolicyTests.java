package dev.portcullis.gateway.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

class CorsPolicyTests {

	private static final String APP = "https://app.example.com";

	private final CorsPolicy policy = new CorsPolicy(List.of(APP), List.of("GET", "POST"), 600);

	@Test
	void preflightFromAllowedOriginIsAnsweredWithTheAllowedMethods() {
		HttpHeaders request = new HttpHeaders();
		request.add(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST");
		request.add(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "content-type");
		HttpHeaders response = new HttpHeaders();

		assertThat(CorsPolicy.isPreflight(HttpMethod.OPTIONS, request)).isTrue();
		assertThat(this.policy.preflight(APP, request, response)).isEqualTo(204);
		assertThat(response.getFirst(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(APP);
		assertThat(response.getFirst(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isEqualTo("true");
		assertThat(response.getFirst(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS)).isEqualTo("GET, POST");
		assertThat(response.getFirst(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS)).isEqualTo("content-type");
		assertThat(response.getFirst(HttpHeaders.ACCESS_CONTROL_MAX_AGE)).isEqualTo("600");
	}

	@Test
	void preflightFromOtherOriginIsForbiddenWithoutCorsHeaders() {
		HttpHeaders response = new HttpHeaders();

		assertThat(this.policy.preflight("https://evil.example", new HttpHeaders(), response)).isEqualTo(403);
		assertThat(response.isEmpty()).isTrue();
	}

	@Test
	void upstreamCorsHeadersNeverReachAnotherOrigin() {
		HttpHeaders response = new HttpHeaders();
		response.add("access-control-allow-origin", "*");
		response.add("Access-Control-Allow-Credentials", "true");
		response.add("X-Kept", "1");

		this.policy.onResponse("https://evil.example", response);

		assertThat(response.headerNames()).containsExactly("X-Kept");
	}

	@Test
	void allowedOriginGetsTheGatewaysOwnCorsAnswerInPlaceOfTheUpstreams() {
		HttpHeaders response = new HttpHeaders();
		response.add("Access-Control-Expose-Headers", "X-Secret");

		this.policy.onResponse(APP, response);

		assertThat(response.getFirst(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(APP);
		assertThat(response.getFirst(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS)).doesNotContain("X-Secret")
			.contains("WWW-Authenticate");
		assertThat(response.getVary()).containsExactly("Origin");
	}

}
