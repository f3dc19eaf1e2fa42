package dev.portcullis.auth;

import dev.portcullis.auth.loadtest.SeedCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Portcullis auth service: accounts, login, rotating refresh sessions and the signing keys.
 * Run with {@code seed-sessions} as its first argument it is a command instead (test sessions for
 * load tests, see {@link SeedCommand}) and exits when done.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AuthServiceApplication {

	public static void main(String[] args) {
		if (SeedCommand.handles(args)) {
			System.exit(SeedCommand.run(AuthServiceApplication.class, args, System.out, System.err));
		}
		SpringApplication.run(AuthServiceApplication.class, args);
	}

}
