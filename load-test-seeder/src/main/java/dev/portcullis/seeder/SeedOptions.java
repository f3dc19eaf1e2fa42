package dev.portcullis.seeder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code seed-sessions}: what to do, with which options; every other
 * argument ({@code --spring.r2dbc.url=…}, {@code --portcullis.auth.…}) configures the service.
 *
 * @param action seed (the default), list or delete
 * @param count test users to create
 * @param out the sessions file to write
 * @param confirmed whether {@value #CONFIRMATION} was given
 * @param signAccessTokens false with {@value #WITHOUT_ACCESS_TOKENS}
 * @param passwordLogin whether {@value #ALLOW_PASSWORD_LOGIN} was given: the test users can log in
 * with the shared password
 * @param passwordFromStdin whether {@value #PASSWORD_STDIN} was given
 * @param markAsTestDatabase whether {@value #MARK_AS_TEST_DATABASE} was given
 * @param springArgs the remaining arguments, for the application context
 */
record SeedOptions(Action action, int count, Path out, boolean confirmed, boolean signAccessTokens, boolean passwordLogin,
		boolean passwordFromStdin, boolean markAsTestDatabase, String[] springArgs) {

	static final String CONFIRMATION = "--i-know-this-is-not-production";

	static final String WITHOUT_ACCESS_TOKENS = "--without-access-tokens";

	static final String ALLOW_PASSWORD_LOGIN = "--allow-password-login";

	static final String PASSWORD_STDIN = "--password-stdin";

	static final String MARK_AS_TEST_DATABASE = "--mark-as-test-database";

	/** Where the shared password comes from, unless {@value #PASSWORD_STDIN}: never the command line. */
	static final String PASSWORD_ENV = "PORTCULLIS_SEED_PASSWORD";

	static final String PASSWORD_ON_COMMAND_LINE = "--password= is not accepted: every user of this machine can read a "
			+ "command line (ps). Set " + PASSWORD_ENV + " or pipe the password in with " + PASSWORD_STDIN
			+ ", together with " + ALLOW_PASSWORD_LOGIN + "; without it the test users cannot log in and need no password.";

	static final int MAX_COUNT = 1_000_000;

	static final String USAGE = """
			Usage: java -jar portcullis-load-test-seeder-<version>-exec.jar [list | delete]
			         [--count=1000] [--out=sessions.csv] [--without-access-tokens]
			         [--allow-password-login [--password-stdin]] [--mark-as-test-database]
			         --i-know-this-is-not-production
			         [--spring.r2dbc.url=… --spring.flyway.url=… | --spring.profiles.active=embedded] [other settings]
			  (no sub-command)       creates --count test users with one live session each and writes their
			                         cookies to --out (user_id,email,password,access_token,refresh_token);
			                         --without-access-tokens leaves access_token empty (no RS256 signature per
			                         user: several times faster; each virtual user refreshes on its first call);
			                         the users cannot log in (their password is a secret nobody keeps) unless
			                         --allow-password-login: then they share the password in PORTCULLIS_SEED_PASSWORD,
			                         or read from standard input with --password-stdin, or a random one, written
			                         to the file's password column
			                         It seeds only a database marked for load tests, the embedded H2 one, or one
			                         with no users but test users (marked then); --mark-as-test-database marks one
			  list                   counts the test users and their live sessions
			  delete                 deletes every test user and its sessions, and nothing else
			Uses the auth service's own settings (database, master secret, token lifetimes) as the service does.""";

	/**
	 * Parses the command line: at most one sub-command, anywhere among the options;
	 * {@link IllegalArgumentException} says what is wrong.
	 */
	static SeedOptions parse(String[] args) {
		Action action = Action.SEED;
		int count = 1000;
		Path out = Path.of("sessions.csv");
		boolean confirmed = false;
		boolean signAccessTokens = true;
		boolean passwordLogin = false;
		boolean passwordFromStdin = false;
		boolean mark = false;
		List<String> spring = new ArrayList<>();
		boolean actionGiven = false;
		for (String arg : args) {
			if (!actionGiven && !arg.startsWith("-")) {
				action = Action.named(arg);
				actionGiven = true;
			}
			else if (arg.equals("--help")) {
				throw new IllegalArgumentException(USAGE);
			}
			else if (arg.equals(CONFIRMATION)) {
				confirmed = true;
			}
			else if (arg.equals(WITHOUT_ACCESS_TOKENS)) {
				signAccessTokens = false;
			}
			else if (arg.startsWith("--count=")) {
				count = count(arg.substring("--count=".length()));
			}
			else if (arg.startsWith("--out=")) {
				out = Path.of(arg.substring("--out=".length()));
			}
			else if (arg.equals(ALLOW_PASSWORD_LOGIN)) {
				passwordLogin = true;
			}
			else if (arg.equals(PASSWORD_STDIN)) {
				passwordFromStdin = true;
			}
			else if (arg.equals(MARK_AS_TEST_DATABASE)) {
				mark = true;
			}
			else if (arg.startsWith("--password=") || arg.equals("--password")) {
				throw new IllegalArgumentException(PASSWORD_ON_COMMAND_LINE);
			}
			else if (arg.startsWith("--")) {
				spring.add(arg);
			}
			else {
				throw new IllegalArgumentException("Unexpected argument " + arg + "\n" + USAGE);
			}
		}
		if (passwordFromStdin && !passwordLogin) {
			throw new IllegalArgumentException(PASSWORD_STDIN + " needs " + ALLOW_PASSWORD_LOGIN
					+ ": without it the test users cannot log in and need no password");
		}
		return new SeedOptions(action, count, out, confirmed, signAccessTokens, passwordLogin, passwordFromStdin, mark,
				spring.toArray(String[]::new));
	}

	private static int count(String value) {
		try {
			int count = Integer.parseInt(value);
			if (count >= 1 && count <= MAX_COUNT) {
				return count;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException("--count must be a whole number from 1 to " + MAX_COUNT + ", was " + value);
	}

	/** What the command does. */
	enum Action {

		SEED, LIST, DELETE;

		/** Whether it writes to the database, and so needs the confirmation. */
		boolean changesData() {
			return this != LIST;
		}

		static Action named(String name) {
			return switch (name) {
				case "list" -> LIST;
				case "delete" -> DELETE;
				default -> throw new IllegalArgumentException("Unknown sub-command " + name + "\n" + USAGE);
			};
		}

	}

}
