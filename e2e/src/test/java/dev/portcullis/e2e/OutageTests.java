package dev.portcullis.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Infrastructure failures under load: logged-in users keep working, auth answers 503 (never 500
 * or 401) and recovers by itself, and nothing is lost.
 */
class OutageTests {

	static final String ORIGIN = "http://app.test";

	@Test
	void databaseWhenStoppedUnderLoadThenProxyingContinuesAuthAnswers503AndRecoversWithinFiveSeconds() throws Exception {
		try (OwnPostgres postgres = OwnPostgres.start();
				Portcullis portcullis = Portcullis.start("outage-db",
						List.of("--spring.r2dbc.url=" + postgres.r2dbcUrl(), "--spring.r2dbc.username=postgres",
								"--spring.flyway.url=" + postgres.jdbcUrl()),
						List.of("--portcullis.gateway.cors.allowed-origins=" + ORIGIN))) {
			WebTestClient client = client(portcullis);
			String email = "outage-" + System.nanoTime() + "@example.org";
			post(client, "/auth/register", Map.of("email", email, "password", EndToEndFlow.PASSWORD)).expectStatus().isCreated();
			Map<String, String> cookies = login(client, email);

			ExecutorService load = Executors.newFixedThreadPool(4);
			try {
				Future<List<Integer>> proxied = load.submit(() -> proxiedCalls(client, cookies.get(EndToEndFlow.ACCESS), Duration.ofSeconds(6)));
				Thread.sleep(1000);
				postgres.stopServer();

				for (int i = 0; i < 3; i++) {
					post(client, "/auth/login", Map.of("email", email, "password", EndToEndFlow.PASSWORD))
						.expectStatus().isEqualTo(503)
						.expectHeader().exists("Retry-After")
						.expectBody().jsonPath("$.code").isEqualTo("unavailable");
					client.post().uri("/auth/refresh").header("Origin", ORIGIN).cookie(EndToEndFlow.REFRESH, cookies.get(EndToEndFlow.REFRESH))
						.exchange().expectStatus().isEqualTo(503)
						.expectBody().jsonPath("$.code").isEqualTo("unavailable");
				}
				assertThat(proxied.get()).as("proxied calls with a valid token during the outage").isNotEmpty().containsOnly(200);
			}
			finally {
				load.shutdownNow();
			}

			postgres.startServer();
			long restarted = System.nanoTime();
			int status = 0;
			while (System.nanoTime() - restarted < Duration.ofSeconds(5).toNanos()) {
				status = post(client, "/auth/login", Map.of("email", email, "password", EndToEndFlow.PASSWORD))
					.expectBody().returnResult().getStatus().value();
				if (status == 200) {
					break;
				}
				Thread.sleep(200);
			}
			assertThat(status).as("login within 5 s of the database returning").isEqualTo(200);
			// the session started before the outage survived it
			client.post().uri("/auth/refresh").header("Origin", ORIGIN).cookie(EndToEndFlow.REFRESH, cookies.get(EndToEndFlow.REFRESH))
				.exchange().expectStatus().isOk();
		}
	}

	@Test
	void authServiceWhenStoppedThenProxiedTrafficWithValidTokensContinues() throws Exception {
		java.nio.file.Path data = java.nio.file.Files.createTempDirectory("portcullis-outage");
		try (Portcullis portcullis = Portcullis.start("outage-auth",
				List.of("--spring.profiles.active=embedded", "--PORTCULLIS_DATA_DIR=" + data),
				List.of("--portcullis.gateway.cors.allowed-origins=" + ORIGIN))) {
			WebTestClient client = client(portcullis);
			String email = "outage-" + System.nanoTime() + "@example.org";
			post(client, "/auth/register", Map.of("email", email, "password", EndToEndFlow.PASSWORD)).expectStatus().isCreated();
			Map<String, String> cookies = login(client, email);

			portcullis.stop("auth-service");
			assertThat(proxiedCalls(client, cookies.get(EndToEndFlow.ACCESS), Duration.ofSeconds(2))).isNotEmpty().containsOnly(200);
			post(client, "/auth/login", Map.of("email", email, "password", EndToEndFlow.PASSWORD))
				.expectStatus().isEqualTo(502).expectBody().jsonPath("$.code").isEqualTo("bad_gateway");
		}
	}

	private static List<Integer> proxiedCalls(WebTestClient client, String access, Duration duration) {
		List<Integer> statuses = new ArrayList<>();
		long end = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() < end) {
			// expectBody() reads the body, which hands the connection back to the pool
			statuses.add(client.get().uri("/api/orders").cookie(EndToEndFlow.ACCESS, access).exchange()
				.expectBody().returnResult().getStatus().value());
		}
		return statuses;
	}

	private static Map<String, String> login(WebTestClient client, String email) {
		EntityExchangeResult<byte[]> result = post(client, "/auth/login", Map.of("email", email, "password", EndToEndFlow.PASSWORD))
			.expectStatus().isOk().expectBody().returnResult();
		ResponseCookie access = result.getResponseCookies().getFirst(EndToEndFlow.ACCESS);
		ResponseCookie refresh = result.getResponseCookies().getFirst(EndToEndFlow.REFRESH);
		return Map.of(EndToEndFlow.ACCESS, access.getValue(), EndToEndFlow.REFRESH, refresh.getValue());
	}

	private static WebTestClient.ResponseSpec post(WebTestClient client, String path, Object body) {
		return client.post().uri(path).header("Origin", ORIGIN).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private static WebTestClient client(Portcullis portcullis) {
		return WebTestClient.bindToServer().baseUrl(portcullis.gateway()).responseTimeout(Duration.ofSeconds(20)).build();
	}

}
