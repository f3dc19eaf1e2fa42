package dev.portcullis.auth.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.auth.AuthServiceApplication;
import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.auth.token.AccessTokenVerifier;
import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: the confirmation it insists on, and the sessions file it writes. */
@AuthServiceTest
class SeedCommandTests {

	@Autowired
	TestSessions testSessions;

	@Autowired
	AccessTokenVerifier verifier;

	@Autowired
	WebTestClient client;

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void runWhenSeedingWithoutConfirmationThenRefusesAndCreatesNothing() {
		long before = this.testSessions.summary().block().users();

		int status = run("seed-sessions", "--count=5", "--out=" + this.dir.resolve("s.csv"));

		assertThat(status).isEqualTo(SeedCommand.USAGE);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("Refusing to run").contains("not production")
			.contains("--i-know-this-is-not-production");
		assertThat(this.dir.resolve("s.csv")).doesNotExist();
		assertThat(this.testSessions.summary().block().users()).isEqualTo(before);
	}

	@Test
	void runWhenDeletingWithoutConfirmationThenRefusesAndDeletesNothing() {
		this.testSessions.seed(1, null, false).blockLast();
		long before = this.testSessions.summary().block().users();

		assertThat(run("seed-sessions", "delete")).isEqualTo(SeedCommand.USAGE);

		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("Refusing to run");
		assertThat(this.testSessions.summary().block().users()).isEqualTo(before);
	}

	@Test
	void runWhenArgumentsAreWrongThenSaysHowToCallIt() {
		assertThat(run("seed-sessions", "--count=0", "--i-know-this-is-not-production")).isEqualTo(SeedCommand.USAGE);
		assertThat(run("seed-sessions", "purge", "--i-know-this-is-not-production")).isEqualTo(SeedCommand.USAGE);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--count must be").contains("Unknown sub-command purge")
			.contains("Usage:");
	}

	@Test
	void runWhenConfirmedThenWritesOneLinePerUserWithCookiesTheServiceAccepts() throws Exception {
		Path file = this.dir.resolve("out/sessions.csv");

		int status = runAgainstTestDatabase("seed-sessions", "--count=3", "--out=" + file,
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
		this.client.post().uri("/auth/refresh").cookie(AuthClient.REFRESH, first[4]).exchange().expectStatus().isOk();

		assertThat(runAgainstTestDatabase("seed-sessions", "list")).isEqualTo(SeedCommand.OK);
		assertThat(this.out.toString(StandardCharsets.UTF_8)).containsPattern("\\d+ test users, \\d+ live sessions");
	}

	private int runAgainstTestDatabase(String... args) {
		TestDatabase db = TestDatabase.get();
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(List.of("--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.r2dbc.username=" + db.username(),
				"--spring.r2dbc.password=" + db.password(), "--spring.flyway.url=" + db.jdbcUrl(),
				"--portcullis.auth.master-secret=test-master-secret-of-at-least-32-characters"));
		return run(all.toArray(String[]::new));
	}

	private int run(String... args) {
		return SeedCommand.run(AuthServiceApplication.class, args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

}
