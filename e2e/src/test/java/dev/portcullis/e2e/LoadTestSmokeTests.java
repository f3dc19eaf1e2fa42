package dev.portcullis.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.portcullis.contract.AuthCookies;
import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.load.LoadSettings;
import dev.portcullis.load.LoginStormSimulation;
import dev.portcullis.load.RefreshStormSimulation;
import dev.portcullis.load.RevokeUnderLoadSimulation;
import dev.portcullis.testsupport.TestDatabase;
import io.gatling.app.Gatling$;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each load-test simulation, with a few users for a few seconds, through the released jars on
 * loopback: sessions from the load-test seeder's jar ({@code seed-sessions}), then Gatling's own entry
 * point, whose status fails the build on any request the scenario did not expect to fail.
 */
class LoadTestSmokeTests {

	/** Short enough that browsing outlives several access tokens. */
	private static final String ACCESS_TTL = "2s";

	private static final String ORIGIN = "http://app.test";

	private static final Path WORK = Path.of("target", "load-smoke");

	@Test
	void simulationsWhenRunBrieflyAgainstTheJarsThenNoUnexpectedFailure() throws Exception {
		TestDatabase db = TestDatabase.get();
		List<String> database = List.of("--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.r2dbc.username=" + db.username(),
				"--spring.r2dbc.password=" + db.password(), "--spring.flyway.url=" + db.jdbcUrl(),
				"--portcullis.auth.access-token-ttl=" + ACCESS_TTL);
		List<String> gateway = List.of("--portcullis.gateway.clock-skew=0s", "--portcullis.gateway.cors.allowed-origins=" + ORIGIN);
		try (Portcullis portcullis = Portcullis.start("load-smoke", database, gateway)) {
			List<Path> files = seed(database, portcullis.logs, 8, 6, 6, 8);

			assertThat(gatling("BrowsingSimulation", portcullis, files.get(0), Map.of("users", "8", "duration", "5", "rate",
					"4", "ramp", "1"))).as("browsing").isZero();
			assertThat(gatling("LoginStormSimulation", portcullis, files.get(1), Map.of("users", "6", "duration", "60")))
				.as("login storm").isZero();
			assertThat(gatling("RefreshStormSimulation", portcullis, files.get(2), Map.of("users", "6", "duration", "30",
					"twoTabShare", "0.5"))).as("refresh storm").isZero();
			assertThat(RefreshStormSimulation.usersWithTwoSuccessors()).as("two tabs handed different successors").isZero();
			assertThat(gatling("RevokeUnderLoadSimulation", portcullis, files.get(3), Map.of("users", "8", "duration", "4",
					"rate", "4", "ramp", "1", "logoutShare", "0.25"))).as("revocation under load").isZero();
			assertThat(RevokeUnderLoadSimulation.revocationDelays()).as("every user who logged out saw session_revoked")
				.hasSize(2);
		}
	}

	@Test
	void loadSettingsWhenDefaultThenCookieNamesAndCodesAreTheContracts() {
		assertThat(LoadSettings.ACCESS_COOKIE).isEqualTo(AuthCookies.ACCESS);
		assertThat(LoadSettings.REFRESH_COOKIE).isEqualTo(AuthCookies.REFRESH);
		assertThat(LoadSettings.TOKEN_EXPIRED).isEqualTo(ErrorCodes.TOKEN_EXPIRED);
		assertThat(LoadSettings.TOKEN_MISSING).isEqualTo(ErrorCodes.TOKEN_MISSING);
		assertThat(LoadSettings.SESSION_REVOKED).isEqualTo(ErrorCodes.SESSION_REVOKED);
		assertThat(LoadSettings.KEY_WITHDRAWN).isEqualTo(ErrorCodes.KEY_WITHDRAWN);
		assertThat(LoginStormSimulation.busyAnswers()).isNotNegative();
	}

	/**
	 * Runs the load-test seeder's jar once and splits its file into one per simulation
	 * (a refresh consumes the token it presents, so no two simulations share a session).
	 */
	private static List<Path> seed(List<String> database, Path logs, int... counts) throws Exception {
		Files.createDirectories(WORK);
		Path all = WORK.resolve("sessions.csv").toAbsolutePath();
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-jar", AppProcesses.jar("load-test-seeder").toString(),
				"--count=" + java.util.Arrays.stream(counts).sum(), "--out=" + all, "--i-know-this-is-not-production",
				// the login storm logs in; the run's database holds other suites' users
				"--allow-password-login", "--mark-as-test-database",
				"--portcullis.auth.master-secret=" + Portcullis.MASTER_SECRET));
		command.addAll(database);
		Process seeding = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(logs.resolve("seed-sessions.log").toFile())
			.start();
		assertThat(seeding.waitFor(120, TimeUnit.SECONDS)).as("seed-sessions finished").isTrue();
		assertThat(seeding.exitValue()).as("seed-sessions status; see " + logs.resolve("seed-sessions.log")).isZero();
		List<String> lines = Files.readAllLines(all);
		List<Path> files = new ArrayList<>();
		int from = 1;
		for (int i = 0; i < counts.length; i++) {
			List<String> part = new ArrayList<>(List.of(lines.get(0)));
			part.addAll(lines.subList(from, from + counts[i]));
			from += counts[i];
			files.add(Files.write(WORK.resolve("sessions-" + i + ".csv").toAbsolutePath(), part));
		}
		return files;
	}

	/** One simulation in this JVM through Gatling's entry point; its status, 0 when every assertion held. */
	private static int gatling(String simulation, Portcullis portcullis, Path sessions, Map<String, String> parameters) {
		Map<String, String> properties = new LinkedHashMap<>(parameters);
		properties.put("gateway", portcullis.gateway());
		properties.put("origin", ORIGIN);
		properties.put("sessions", sessions.toString());
		properties.forEach(System::setProperty);
		try {
			return Gatling$.MODULE$.fromArgs(new String[] { "-s", "dev.portcullis.load." + simulation, "-rf",
					WORK.resolve("gatling").toAbsolutePath().toString(), "-rd", "smoke" });
		}
		finally {
			properties.keySet().forEach(System::clearProperty);
		}
	}

}
