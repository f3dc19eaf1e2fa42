package dev.portcullis.seeder;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import dev.portcullis.auth.AuthServiceApplication;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.seeder.SeedOptions.Action;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code seed-sessions}: creates, lists or deletes test users with live sessions for load tests,
 * with the auth service's own settings and code, started as a command, not a server. It serves
 * nothing, so nothing reachable from outside can mint sessions, and it is not in the service's
 * production jar; it refuses to change a database unless told, with
 * {@value SeedOptions#CONFIRMATION}, that the database is not production, and it seeds only a
 * database that looks like a test one (see {@link TestSessions#admit}). The test users cannot
 * log in unless asked for, and then their password never appears on the command line.
 */
public final class SeedCommand {

	static final int OK = 0;

	static final int FAILED = 1;

	static final int USAGE = 2;

	static final String REFUSAL = "Refusing to run: seed-sessions creates (or deletes) test users that share one known "
			+ "password, with live sessions whose cookies it writes to a file. Run it only against a database that is not "
			+ "production, and say so with " + SeedOptions.CONFIRMATION + ".";

	private SeedCommand() {
	}

	static final String NOT_A_TEST_DATABASE = "Refusing to seed: this database has %d users that seed-sessions did not "
			+ "create, so it may be production. Seed a database of its own; or, if this one is only for tests, add "
			+ SeedOptions.MARK_AS_TEST_DATABASE + " once (it is recorded in the database, table load_test_marker).";

	/** Runs the command; returns the process's exit status. */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		return run(args, System.getenv(), System.in, out, err);
	}

	/** {@link #run(String[], PrintStream, PrintStream)} with the environment and standard input given. */
	static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
		SeedOptions options;
		try {
			options = SeedOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			err.println(ex.getMessage());
			return USAGE;
		}
		if (options.action().changesData() && !options.confirmed()) {
			err.println(REFUSAL);
			return USAGE;
		}
		String password;
		try {
			password = password(options, env, in);
		}
		catch (IOException | IllegalArgumentException ex) {
			err.println(ex.getMessage());
			return USAGE;
		}
		try (ConfigurableApplicationContext context = context(options)) {
			TestSessions sessions = context.getBean(TestSessions.class);
			if (options.action() == Action.SEED) {
				TestSessions.Target target = sessions.admit(options.markAsTestDatabase()).block();
				if (!target.admitted()) {
					err.println(String.format(NOT_A_TEST_DATABASE, target.otherUsers()));
					return USAGE;
				}
			}
			return switch (options.action()) {
				case SEED -> seed(sessions, options, password, out);
				case LIST -> list(sessions, out);
				case DELETE -> delete(sessions, out);
			};
		}
		catch (IOException | RuntimeException ex) {
			err.println("seed-sessions failed: " + rootMessage(ex));
			if (rootMessage(ex).contains("already in use")) {
				err.println("The embedded database belongs to one process at a time: stop the running auth service "
						+ "(Ctrl-C in ./quickstart), seed, then start it again.");
			}
			return FAILED;
		}
	}

	/**
	 * The service's own beans and settings with the seeder's, without a web server and without
	 * the service's schedules.
	 */
	private static ConfigurableApplicationContext context(SeedOptions options) {
		// Ahead of every other source: the command serves no revocation feed (a random secret
		// fills that required setting) and must not run the purges and key rotation.
		MapPropertySource command = new MapPropertySource("seed-sessions", Map.of("portcullis.feed-secret",
				new Randoms().token(32), "portcullis.auth.scheduling.enabled", "false"));
		return new SpringApplicationBuilder(AuthServiceApplication.class, Seeding.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(Map.of("logging.level.root", "WARN"))
			.listeners((event) -> {
				if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
					prepared.getEnvironment().getPropertySources().addFirst(command);
				}
			})
			.run(options.springArgs());
	}

	/** The shared password when the users may log in: from standard input, the environment, or null for a random one. */
	private static String password(SeedOptions options, Map<String, String> env, InputStream in) throws IOException {
		if (!options.passwordLogin()) {
			return null;
		}
		String password = options.passwordFromStdin()
				? new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine()
				: env.get(SeedOptions.PASSWORD_ENV);
		if (options.passwordFromStdin() && (password == null || password.isEmpty())) {
			throw new IllegalArgumentException(SeedOptions.PASSWORD_STDIN + ": standard input held no password");
		}
		return (password == null || password.isEmpty()) ? null : password;
	}

	private static int seed(TestSessions sessions, SeedOptions options, String password, PrintStream out)
			throws IOException {
		long started = System.nanoTime();
		int written = 0;
		try (BufferedWriter file = create(options.out())) {
			file.write(SeededSession.CSV_HEADER);
			file.newLine();
			// The command's own thread waits for the reactive pipeline, batch by batch.
			for (SeededSession session : sessions
				.seed(options.count(), password, options.passwordLogin(), options.signAccessTokens())
				.toIterable(TestSessions.BATCH)) {
				file.write(session.csvLine());
				file.newLine();
				written++;
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		out.printf("Seeded %d test users with one live session each in %.2f s (%.0f sessions/s); wrote %s%n", written,
				seconds, written / seconds, options.out().toAbsolutePath());
		out.println(options.signAccessTokens()
				? "Access tokens expire after the auth service's access-token-ttl; the load scenarios then refresh."
				: "No access tokens: each virtual user's first call is answered token_missing and refreshes.");
		out.println(options.passwordLogin() ? "The test users log in with the shared password in the file's password column."
				: "The test users cannot log in with a password (" + SeedOptions.ALLOW_PASSWORD_LOGIN
						+ " for scenarios that log in).");
		out.println("A refresh consumes the refresh token it presents: seed again for each run that refreshes.");
		return OK;
	}

	private static int list(TestSessions sessions, PrintStream out) {
		TestSessions.Summary summary = sessions.summary().block();
		out.printf("%d test users, %d live sessions%n", summary.users(), summary.liveSessions());
		return OK;
	}

	private static int delete(TestSessions sessions, PrintStream out) {
		Long deleted = sessions.delete().block();
		out.printf("Deleted %d test users and their sessions%n", deleted);
		out.println("Access tokens they still hold are accepted by the gateway until they expire (access-token-ttl).");
		return OK;
	}

	/** The sessions file, readable by its owner only where the file system allows it: it holds live cookies. */
	private static BufferedWriter create(Path path) throws IOException {
		Path absolute = path.toAbsolutePath();
		if (absolute.getParent() != null) {
			Files.createDirectories(absolute.getParent());
		}
		Files.deleteIfExists(absolute);
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Files.createFile(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		return Files.newBufferedWriter(absolute, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

}
