package dev.portcullis.auth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Portcullis auth service: accounts, login, rotating refresh sessions and the signing keys.
 * It takes settings only ({@code --name=value}); a bare word such as {@code seed-sessions}, which
 * this jar once ran as a command, stops it before it starts (load-test sessions are made by the
 * load-test seeder's own jar).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AuthServiceApplication {

	static final int USAGE = 2;

	public static void main(String[] args) {
		String refusal = refusal(args);
		if (refusal != null) {
			System.err.println(refusal);
			System.exit(USAGE);
		}
		SpringApplication.run(AuthServiceApplication.class, args);
	}

	/** Why the service will not start with {@code args}, or null when they are settings only. */
	static String refusal(String[] args) {
		for (String arg : args) {
			if (!arg.startsWith("-")) {
				return "Unexpected argument '" + arg + "': the auth service takes settings only (--name=value). "
						+ "Test users and sessions for load tests are made by the load-test seeder, a jar of its own "
						+ "(portcullis-load-test-seeder), not by the service.";
			}
		}
		return null;
	}

}
