package dev.portcullis.seeder;

/**
 * The load-test seeder's entry point: {@code seed-sessions} as a command of its own jar, so the
 * auth service's production jar holds no code that makes users or sessions without a password.
 * Runs {@link SeedCommand} and exits with its status.
 */
public final class SeedSessions {

	private SeedSessions() {
	}

	public static void main(String[] args) {
		System.exit(SeedCommand.run(args, System.out, System.err));
	}

}
