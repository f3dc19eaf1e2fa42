package dev.portcullis.seeder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.auth.token.AccessTokenVerifier;
import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line: the confirmation it insists on, the databases it refuses, where the password
 * may come from, and the sessions file it writes.
 */
@SeederTest
class SeedCommandTests {

	@Autowired
	TestSessions testSessions;

	@Autowired
	AccessTokenVerifier verifier;

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void runWhenSeedingWithoutConfirmationThenRefusesAndCreatesNothing() {
		long before = this.testSessions.summary().block().users();

		int status = run("--count=5", "--out=" + this.dir.resolve("s.csv"));

		assertThat(status).isEqualTo(SeedCommand.USAGE);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("Refusing to run").contains("not production")
			.contains("--i-know-this-is-not-production");
		assertThat(this.dir.resolve("s.csv")).doesNotExist();
		assertThat(this.testSessions.summary().block().users()).isEqualTo(before);
	}

	@Test
	void runWhenDeletingWithoutConfirmationThenRefusesAndDeletesNothing() {
		this.testSessions.seed(1, null, false, false).blockLast();
		long before = this.testSessions.summary().block().users();

		assertThat(run("delete")).isEqualTo(SeedCommand.USAGE);

		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("Refusing to run");
		assertThat(this.testSessions.summary().block().users()).isEqualTo(before);
	}

	@Test
	void runWhenArgumentsAreWrongThenSaysHowToCallIt() {
		assertThat(run("--count=0", "--i-know-this-is-not-production")).isEqualTo(SeedCommand.USAGE);
		assertThat(run("purge", "--i-know-this-is-not-production")).isEqualTo(SeedCommand.USAGE);
		assertThat(run("list", "delete")).isEqualTo(SeedCommand.USAGE);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--count must be").contains("Unknown sub-command purge")
			.contains("Unexpected argument delete").contains("Usage: java -jar portcullis-load-test-seeder-");
	}

	@Test
	void runWhenConfirmedThenWritesOneLinePerUserWithCookiesTheServiceAccepts() throws Exception {
		Path file = this.dir.resolve("out/sessions.csv");

		int status = runAgainstTestDatabase("--count=3", "--out=" + file, "--mark-as-test-database",
				"--i-know-this-is-not-production");

		assertThat(status).as(this.err.toString(StandardCharsets.UTF_8)).isEqualTo(SeedCommand.OK);
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("Seeded 3 test users").contains("sessions/s");
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		List<String> lines = Files.readAllLines(file);
		assertThat(lines).hasSize(4);
		assertThat(lines.get(0)).isEqualTo("user_id,email,password,access_token,refresh_token");
		String[] first = lines.get(1).split(",");
		assertThat(first).hasSize(5);
		assertThat(this.verifier.verify(first[3]).block().userId()).hasToString(first[0]);
		new ServiceClient(this.client).refreshed(first[4]);

		assertThat(runAgainstTestDatabase("list")).isEqualTo(SeedCommand.OK);
		assertThat(this.out.toString(StandardCharsets.UTF_8)).containsPattern("\\d+ test users, \\d+ live sessions");
	}

	@Test
	void runWhenPasswordOnTheCommandLineThenRefusesSayingWhereToPutIt() {
		long before = this.testSessions.summary().block().users();

		int status = runAgainstTestDatabase("--count=2", "--out=" + this.dir.resolve("s.csv"),
				"--password=a shared load-test password", "--allow-password-login", "--i-know-this-is-not-production");

		assertThat(status).isEqualTo(SeedCommand.USAGE);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--password= is not accepted")
			.contains("PORTCULLIS_SEED_PASSWORD").contains("--password-stdin");
		assertThat(this.dir.resolve("s.csv")).doesNotExist();
		assertThat(this.testSessions.summary().block().users()).isEqualTo(before);
	}

	@Test
	void runWhenDatabaseHasOtherUsersAndIsNotMarkedThenRefusesUntilMarked() throws Exception {
		this.db.sql("DELETE FROM load_test_marker").then().block(Duration.ofSeconds(10));
		new ServiceClient(this.client).register("registered-" + System.nanoTime() + "@example.org", "correct horse battery staple")
			.expectStatus()
			.isCreated();
		long before = this.testSessions.summary().block().users();
		Path file = this.dir.resolve("s.csv");

		int refused = runAgainstTestDatabase("--count=2", "--out=" + file, "--i-know-this-is-not-production");

		assertThat(refused).isEqualTo(SeedCommand.USAGE);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("Refusing to seed").contains("may be production")
			.contains("--mark-as-test-database");
		assertThat(file).doesNotExist();
		assertThat(this.testSessions.summary().block().users()).isEqualTo(before);

		assertThat(runAgainstTestDatabase("--count=2", "--out=" + file, "--mark-as-test-database",
				"--i-know-this-is-not-production")).as(this.err.toString(StandardCharsets.UTF_8)).isEqualTo(SeedCommand.OK);
		// marked once, for good
		assertThat(runAgainstTestDatabase("--count=2", "--out=" + file, "--i-know-this-is-not-production"))
			.isEqualTo(SeedCommand.OK);
		assertThat(this.testSessions.summary().block().users()).isEqualTo(before + 4);
	}

	@Test
	void runWhenPasswordLoginNotAllowedThenTheFileHasNoPasswordAndTheUsersCannotLogIn() throws Exception {
		Path file = this.dir.resolve("s.csv");

		int status = runAgainstTestDatabase(Map.of("PORTCULLIS_SEED_PASSWORD", "a shared load-test password"), "", "--count=1", "--out=" + file, "--mark-as-test-database", "--i-know-this-is-not-production");

		assertThat(status).as(this.err.toString(StandardCharsets.UTF_8)).isEqualTo(SeedCommand.OK);
		String[] user = Files.readAllLines(file).get(1).split(",", -1);
		assertThat(user[2]).isEmpty();
		new ServiceClient(this.client).login(user[1], "a shared load-test password").expectStatus().isUnauthorized();
	}

	@Test
	void runWhenPasswordLoginAllowedThenThePasswordComesFromTheEnvironmentOrStandardInput() throws Exception {
		Path fromEnv = this.dir.resolve("env.csv");
		Path fromStdin = this.dir.resolve("stdin.csv");

		assertThat(runAgainstTestDatabase(Map.of("PORTCULLIS_SEED_PASSWORD", "a shared load-test password"), "", "--count=1", "--out=" + fromEnv, "--allow-password-login", "--mark-as-test-database",
				"--i-know-this-is-not-production")).as(this.err.toString(StandardCharsets.UTF_8)).isEqualTo(SeedCommand.OK);
		assertThat(runAgainstTestDatabase(Map.of(), "another load-test password\n", "--count=1",
				"--out=" + fromStdin, "--allow-password-login", "--password-stdin", "--mark-as-test-database",
				"--i-know-this-is-not-production")).as(this.err.toString(StandardCharsets.UTF_8)).isEqualTo(SeedCommand.OK);

		String[] envUser = Files.readAllLines(fromEnv).get(1).split(",", -1);
		String[] stdinUser = Files.readAllLines(fromStdin).get(1).split(",", -1);
		assertThat(envUser[2]).isEqualTo("a shared load-test password");
		assertThat(stdinUser[2]).isEqualTo("another load-test password");
		ServiceClient service = new ServiceClient(this.client);
		service.login(envUser[1], envUser[2]).expectStatus().isOk();
		service.login(stdinUser[1], stdinUser[2]).expectStatus().isOk();
	}

	private int runAgainstTestDatabase(String... args) {
		return runAgainstTestDatabase(Map.of(), "", args);
	}

	private int runAgainstTestDatabase(Map<String, String> env, String stdin, String... args) {
		TestDatabase db = TestDatabase.get();
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(List.of("--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.r2dbc.username=" + db.username(),
				"--spring.r2dbc.password=" + db.password(), "--spring.flyway.url=" + db.jdbcUrl(),
				"--portcullis.auth.master-secret=" + SeederTest.MASTER_SECRET));
		return run(env, stdin, all.toArray(String[]::new));
	}

	private int run(String... args) {
		return run(Map.of(), "", args);
	}

	private int run(Map<String, String> env, String stdin, String... args) {
		return SeedCommand.run(args, env,
				new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
				new PrintStream(this.out, true, StandardCharsets.UTF_8), new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

}
