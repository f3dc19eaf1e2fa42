package dev.portcullis.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Revocation on the normal deployment: two auth services on one PostgreSQL, two gateways, each
 * gateway fed by its own auth service. A session ended through either replica is refused by both
 * gateways within a second, also across an auth-service restart and a lost notification
 * listener, while logged-in traffic through both gateways sees no 5xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationAcrossReplicasTests {

	static final String ORIGIN = "http://app.test";

	static final String PASSWORD = "correct horse battery staple";

	static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

	static final Duration WITHIN = Duration.ofSeconds(1);

	private static final Pattern COOKIE = Pattern.compile("^(__Host-access_token|__Secure-refresh_token)=([^;]*)");

	private static final Pattern SID = Pattern.compile("\"sid\":\"([0-9a-f-]{36})\"");

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private TestDatabase db;

	private Replicas replicas;

	private Thread traffic;

	private final AtomicBoolean trafficRunning = new AtomicBoolean(true);

	private final Map<Integer, AtomicLong> trafficStatuses = new ConcurrentHashMap<>();

	@BeforeAll
	void startReplicasAndTraffic() throws Exception {
		this.db = TestDatabase.get();
		this.replicas = Replicas.start("replicas", this.db,
				List.of("--portcullis.auth.refresh-grace=1s", "--portcullis.auth.revocation.poll-interval=" + POLL_INTERVAL.toMillis() + "ms"),
				List.of("--portcullis.gateway.cors.allowed-origins=" + ORIGIN));
		Session steady = login(0, register(0));
		this.traffic = new Thread(() -> steadyTraffic(steady), "logged-in-traffic");
		this.traffic.start();
	}

	@AfterAll
	void stop() throws InterruptedException {
		this.trafficRunning.set(false);
		if (this.traffic != null) {
			this.traffic.join(5000);
		}
		if (this.replicas != null) {
			this.replicas.close();
		}
	}

	@Test
	@Order(1)
	void logoutWhenThroughGatewayOneThenBothGatewaysRefuseWithinOneSecondFiftyTimes() throws Exception {
		String email = register(0);
		List<Long> millis = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			Session session = login(0, email);
			assertThat(status(0, session)).isEqualTo(200);
			assertThat(status(1, session)).isEqualTo(200);
			assertThat(post(0, "/auth/logout", session, null).statusCode()).isEqualTo(204);
			millis.add(millisUntilRefusedOnBoth(session, System.nanoTime()));
		}
		Collections.sort(millis);
		long p50 = millis.get(24);
		long p99 = millis.get((int) Math.ceil(0.99 * millis.size()) - 1);
		long max = millis.get(millis.size() - 1);
		String report = "revocation latency across replicas, logout through gateway 1 until both gateways refuse, n="
				+ millis.size() + ": p50=" + p50 + " ms p99=" + p99 + " ms max=" + max + " ms";
		System.out.println(report);
		Files.writeString(this.replicas.processes.logs.resolve("revocation-latency.txt"), report + "\n");
		assertThat(p99).as(report).isLessThanOrEqualTo(WITHIN.toMillis());
	}

	@Test
	@Order(2)
	void logoutAllWhenThroughOtherReplicaThenEverySessionRefusedOnBothGateways() throws Exception {
		String email = register(0);
		Session first = login(0, email);
		Session second = login(0, email);
		assertThat(post(1, "/auth/logout-all", second, null).statusCode()).isEqualTo(204);
		long started = System.nanoTime();
		assertThat(millisUntilRefusedOnBoth(first, started)).isLessThanOrEqualTo(WITHIN.toMillis());
		assertThat(millisUntilRefusedOnBoth(second, started)).isLessThanOrEqualTo(WITHIN.toMillis());
	}

	@Test
	@Order(3)
	void passwordChangeWhenThroughOtherReplicaThenOtherSessionsRefusedAndCurrentOneWorks() throws Exception {
		String email = register(0);
		Session other = login(0, email);
		Session current = login(1, email);
		HttpResponse<String> changed = post(1, "/auth/password", current,
				"{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + PASSWORD + " again\"}");
		assertThat(changed.statusCode()).isEqualTo(204);
		assertThat(millisUntilRefusedOnBoth(other, System.nanoTime())).isLessThanOrEqualTo(WITHIN.toMillis());
		assertThat(status(0, current)).isEqualTo(200);
		assertThat(status(1, current)).isEqualTo(200);
	}

	@Test
	@Order(4)
	void sessionRevokeWhenThroughOtherReplicaThenThatSessionRefusedOnBothGateways() throws Exception {
		String email = register(0);
		Session lost = login(0, email);
		Session keeper = login(1, email);
		HttpResponse<String> revoked = send(1, HttpRequest.newBuilder(uri(1, "/auth/sessions/" + lost.sessionId()))
			.header("Cookie", keeper.cookieHeader())
			.header("Origin", ORIGIN)
			.DELETE());
		assertThat(revoked.statusCode()).isEqualTo(204);
		assertThat(millisUntilRefusedOnBoth(lost, System.nanoTime())).isLessThanOrEqualTo(WITHIN.toMillis());
		assertThat(status(0, keeper)).isEqualTo(200);
	}

	@Test
	@Order(5)
	void refreshTokenReplayWhenThroughOtherReplicaThenThiefAndOwnerRefusedOnBothGateways() throws Exception {
		String email = register(0);
		Session stolen = login(0, email);
		HttpResponse<String> rotated = post(0, "/auth/refresh", stolen, null);
		assertThat(rotated.statusCode()).isEqualTo(200);
		Session owner = session(rotated);
		Thread.sleep(1500); // past the 1 s grace window: a replay is now theft
		assertThat(post(1, "/auth/refresh", stolen, null).statusCode()).isEqualTo(401);
		long started = System.nanoTime();
		assertThat(millisUntilRefusedOnBoth(stolen, started)).isLessThanOrEqualTo(WITHIN.toMillis());
		assertThat(millisUntilRefusedOnBoth(owner, started)).isLessThanOrEqualTo(WITHIN.toMillis());
	}

	@Test
	@Order(6)
	void listenerWhenItsBackendIsKilledThenRevocationsArriveWithinThePollIntervalAndItComesBack() throws Exception {
		assertThat(listeners()).as("one notification listener per auth service").isEqualTo(2);
		try (Connection connection = this.db.connect(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
					+ "'portcullis-revocation-listener' AND datname = current_database()");
		}
		Session session = login(0, register(0));
		assertThat(post(0, "/auth/logout", session, null).statusCode()).isEqualTo(204);
		assertThat(millisUntilRefusedOnBoth(session, System.nanoTime()))
			.isLessThanOrEqualTo(POLL_INTERVAL.plusMillis(500).toMillis());
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (listeners() < 2 && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(listeners()).as("both listeners reconnected").isEqualTo(2);
	}

	@Test
	@Order(7)
	void authServiceWhenRestartedThenItsGatewayEnforcesWhatWasMissedWithinOneSecondOfReady() throws Exception {
		Session session = login(0, register(0));
		assertThat(status(1, session)).isEqualTo(200);
		this.replicas.stopAuth(1);
		assertThat(post(0, "/auth/logout", session, null).statusCode()).isEqualTo(204);
		// gateway 1 hears of it through auth 1; gateway 2 keeps serving on what it knows
		assertThat(millisUntilRefused(0, session, System.nanoTime())).isLessThanOrEqualTo(WITHIN.toMillis());
		this.replicas.startAuth(1);
		this.replicas.awaitAuth(1);
		assertThat(millisUntilRefused(1, session, System.nanoTime())).isLessThanOrEqualTo(WITHIN.toMillis());
	}

	@Test
	@Order(8)
	void logoutWhenEventIdsWentBackUnderConnectedGatewaysThenBothStillRefuseIt() throws Exception {
		Session earlier = login(0, register(0));
		assertThat(post(0, "/auth/logout", earlier, null).statusCode()).isEqualTo(204);
		assertThat(millisUntilRefusedOnBoth(earlier, System.nanoTime())).isLessThanOrEqualTo(WITHIN.toMillis());
		Session session = login(1, register(1));
		// A restore from a backup taken just before that logout: its event and the counter go back one.
		try (Connection connection = this.db.connect(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			long last;
			try (ResultSet rows = statement.executeQuery(
					"SELECT last_id FROM serial_locks WHERE name = 'revocation_events' FOR UPDATE")) {
				assertThat(rows.next()).isTrue();
				last = rows.getLong(1);
			}
			statement.executeUpdate("DELETE FROM revocation_events WHERE id = " + last);
			statement.executeUpdate("UPDATE serial_locks SET last_id = " + (last - 1) + " WHERE name = 'revocation_events'");
			connection.commit();
		}
		// The next logout's event reuses the id both gateways have applied.
		assertThat(post(1, "/auth/logout", session, null).statusCode()).isEqualTo(204);
		assertThat(millisUntilRefusedOnBoth(session, System.nanoTime()))
			.isLessThanOrEqualTo(POLL_INTERVAL.plusSeconds(1).toMillis());
		assertThat(status(0, earlier)).as("what a gateway held stays enforced").isEqualTo(401);
	}

	@Test
	@Order(9)
	void trafficWhenAllOfThisHappenedThenNoServerErrors() {
		this.trafficRunning.set(false);
		assertThat(this.trafficStatuses).as("logged-in traffic through both gateways").containsOnlyKeys(200);
		assertThat(this.trafficStatuses.get(200).get()).isGreaterThan(100);
	}

	private void steadyTraffic(Session session) {
		int gateway = 0;
		while (this.trafficRunning.get()) {
			int status;
			try {
				status = status(gateway, session);
			}
			catch (Exception ex) {
				status = -1;
			}
			this.trafficStatuses.computeIfAbsent(status, (s) -> new AtomicLong()).incrementAndGet();
			gateway = 1 - gateway;
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private long millisUntilRefusedOnBoth(Session session, long startNanos) throws Exception {
		return Math.max(millisUntilRefused(0, session, startNanos), millisUntilRefused(1, session, startNanos));
	}

	/** Polls one gateway until it refuses the session's access token with session_revoked; fails after 10 s. */
	private long millisUntilRefused(int gateway, Session session, long startNanos) throws Exception {
		long deadline = startNanos + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			HttpResponse<String> response = get(gateway, session);
			if (response.statusCode() == 401) {
				assertThat(response.body()).contains("\"code\":\"session_revoked\"");
				return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
			}
			assertThat(response.statusCode()).isEqualTo(200);
			Thread.sleep(5);
		}
		return fail("gateway " + (gateway + 1) + " still accepts a revoked session after 10 s");
	}

	private int listeners() throws Exception {
		try (Connection connection = this.db.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
						+ "'portcullis-revocation-listener' AND datname = current_database()")) {
			rows.next();
			return rows.getInt(1);
		}
	}

	private String register(int gateway) throws Exception {
		String email = "replica-" + System.nanoTime() + "@example.org";
		HttpResponse<String> response = send(gateway, HttpRequest.newBuilder(uri(gateway, "/auth/register"))
			.header("Content-Type", "application/json")
			.header("Origin", ORIGIN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}")));
		assertThat(response.statusCode()).isEqualTo(201);
		return email;
	}

	private Session login(int gateway, String email) throws Exception {
		HttpResponse<String> response = send(gateway, HttpRequest.newBuilder(uri(gateway, "/auth/login"))
			.header("Content-Type", "application/json")
			.header("Origin", ORIGIN)
			.POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}")));
		assertThat(response.statusCode()).isEqualTo(200);
		return session(response);
	}

	private int status(int gateway, Session session) throws Exception {
		return get(gateway, session).statusCode();
	}

	private HttpResponse<String> get(int gateway, Session session) throws Exception {
		return send(gateway, HttpRequest.newBuilder(uri(gateway, "/api/orders")).header("Cookie", "__Host-access_token=" + session.access()));
	}

	private HttpResponse<String> post(int gateway, String path, Session session, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(gateway, path))
			.header("Cookie", session.cookieHeader())
			.header("Origin", ORIGIN);
		if (json != null) {
			request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
		}
		else {
			request.POST(HttpRequest.BodyPublishers.noBody());
		}
		return send(gateway, request);
	}

	private HttpResponse<String> send(int gateway, HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(int gateway, String path) {
		return URI.create(this.replicas.gatewayUrl(gateway) + path);
	}

	private static Session session(HttpResponse<String> response) {
		String access = null;
		String refresh = null;
		for (String setCookie : response.headers().allValues("Set-Cookie")) {
			Matcher matcher = COOKIE.matcher(setCookie);
			if (matcher.find() && !matcher.group(2).isEmpty()) {
				if (matcher.group(1).startsWith("__Host-")) {
					access = matcher.group(2);
				}
				else {
					refresh = matcher.group(2);
				}
			}
		}
		assertThat(access).as("access cookie").isNotNull();
		assertThat(refresh).as("refresh cookie").isNotNull();
		return new Session(access, refresh);
	}

	record Session(String access, String refresh) {

		String cookieHeader() {
			return "__Host-access_token=" + this.access + "; __Secure-refresh_token=" + this.refresh;
		}

		String sessionId() {
			String payload = new String(Base64.getUrlDecoder().decode(this.access.split("\\.")[1]), StandardCharsets.UTF_8);
			Matcher matcher = SID.matcher(payload);
			assertThat(matcher.find()).as("sid claim").isTrue();
			return matcher.group(1);
		}

	}

}
