package dev.portcullis.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import dev.portcullis.load.BrowsingSimulation;
import dev.portcullis.load.LoadSettings;
import io.gatling.app.Gatling$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browsing simulation against a stand-in gateway on loopback that answers as a loaded one
 * can: a refresh shed with 503 and {@code Retry-After} is waited out and retried, as
 * {@code portcullis-client.js} does, and is no failure; a refresh answered 401 is a false logout
 * that fails the run; a refresh that never answers is a KO that fails the run, not an error of the
 * scenario's own steps.
 */
class LoadTestClientBehaviourTests {

	private static final Path WORK = Path.of("target", "load-client-behaviour");

	private static final int USERS = 2;

	private final Set<String> shedOnce = ConcurrentHashMap.newKeySet();

	private final AtomicInteger refreshes = new AtomicInteger();

	private final CountDownLatch released = new CountDownLatch(1);

	private final ExecutorService threads = Executors.newFixedThreadPool(4);

	private volatile String refreshAnswer = "shed once";

	private HttpServer gateway;

	@BeforeEach
	void startGateway() throws IOException {
		this.gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.gateway.createContext("/api/load-test", this::call);
		this.gateway.createContext("/auth/refresh", this::refresh);
		this.gateway.setExecutor(this.threads);
		this.gateway.start();
	}

	@AfterEach
	void stopGateway() throws InterruptedException {
		this.released.countDown();
		this.gateway.stop(0);
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).as("stand-in gateway stopped").isTrue();
	}

	@Test
	void browsingWhenRefreshShedWithRetryAfterThenWaitsRetriesAndPasses() throws IOException {
		int status = browse("shed once", Map.of());

		assertThat(status).as("Gatling's status: every assertion held").isZero();
		assertThat(BrowsingSimulation.retriedAnswers()).as("each user's shed refresh retried once").isEqualTo(USERS);
		assertThat(BrowsingSimulation.refusedRefreshes()).as("false logouts").isZero();
		assertThat(this.refreshes.get()).as("refreshes: one shed and one answered per user").isEqualTo(2 * USERS);
	}

	@Test
	void browsingWhenRefreshAnswered401ThenFalseLogoutFailsTheRun() throws IOException {
		int status = browse("refuse", Map.of());

		assertThat(status).as("Gatling's status: the no-KO assertion failed").isNotZero();
		assertThat(BrowsingSimulation.refusedRefreshes()).as("every user logged out by mistake").isEqualTo(USERS);
		assertThat(BrowsingSimulation.retriedAnswers()).isZero();
	}

	@Test
	void browsingWhenRefreshNeverAnswersThenTimeoutIsAKoThatFailsTheRun() throws IOException {
		int status = browse("never", Map.of("gatling.http.requestTimeout", "1000"));

		assertThat(status).as("Gatling's status: the no-KO assertion failed").isNotZero();
		assertThat(this.refreshes.get()).as("one refresh per user, timed out and not retried").isEqualTo(USERS);
		assertThat(BrowsingSimulation.refusedRefreshes()).as("a timeout is no 401").isZero();
	}

	/** Runs the browsing simulation for 5 s (a retry waits 1-2 s) against the stand-in; Gatling's status. */
	private int browse(String refreshAnswer, Map<String, String> gatlingSettings) throws IOException {
		this.refreshAnswer = refreshAnswer;
		Files.createDirectories(WORK);
		StringBuilder sessions = new StringBuilder("user_id,email,password,access_token,refresh_token\n");
		for (int i = 0; i < USERS; i++) {
			sessions.append("u").append(i).append(",u").append(i).append("@example.org,,expired,r").append(i).append('\n');
		}
		Path file = Files.writeString(WORK.resolve("sessions.csv").toAbsolutePath(), sessions);
		Map<String, String> properties = new LinkedHashMap<>(gatlingSettings);
		properties.putAll(Map.of("gateway", "http://127.0.0.1:" + this.gateway.getAddress().getPort(), "sessions",
				file.toString(), "users", Integer.toString(USERS), "duration", "5", "rate", "2", "ramp", "0"));
		properties.forEach(System::setProperty);
		ConfigFactory.invalidateCaches();
		try {
			return Gatling$.MODULE$.fromArgs(new String[] { "-s", BrowsingSimulation.class.getName(), "-rf",
					WORK.resolve("gatling").toAbsolutePath().toString(), "-rd", refreshAnswer });
		}
		finally {
			properties.keySet().forEach(System::clearProperty);
			ConfigFactory.invalidateCaches();
		}
	}

	/** The protected route: 200 for a refreshed access cookie, 401 token_expired for the seeded one. */
	private void call(HttpExchange exchange) throws IOException {
		String cookies = String.valueOf(exchange.getRequestHeaders().getFirst("Cookie"));
		if (cookies.contains(LoadSettings.ACCESS_COOKIE + "=fresh-")) {
			answer(exchange, 200, "{}");
		}
		else {
			answer(exchange, 401, "{\"code\":\"" + LoadSettings.TOKEN_EXPIRED + "\"}");
		}
	}

	private void refresh(HttpExchange exchange) throws IOException {
		this.refreshes.incrementAndGet();
		String cookies = String.valueOf(exchange.getRequestHeaders().getFirst("Cookie"));
		String token = cookies.substring(cookies.indexOf('=') + 1);
		switch (this.refreshAnswer) {
			case "refuse" -> answer(exchange, 401, "{\"code\":\"invalid_refresh\"}");
			case "never" -> {
				try {
					// held until the test ends: the request times out on Gatling's side
					this.released.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				exchange.close();
			}
			default -> {
				if (this.shedOnce.add(token)) {
					exchange.getResponseHeaders().add("Retry-After", "1");
					answer(exchange, 503, "{\"code\":\"unavailable\"}");
				}
				else {
					exchange.getResponseHeaders().add("Set-Cookie", LoadSettings.ACCESS_COOKIE + "=fresh-" + token + "; Path=/");
					exchange.getResponseHeaders().add("Set-Cookie", LoadSettings.REFRESH_COOKIE + "=" + token + "b; Path=/auth");
					answer(exchange, 200, "{}");
				}
			}
		}
	}

	private static void answer(HttpExchange exchange, int status, String json) throws IOException {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", (status == 200) ? "application/json" : "application/problem+json");
		exchange.sendResponseHeaders(status, body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

}
