package dev.portcullis.seeder;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The command line, without a database: what each argument means and what is refused. */
class SeedOptionsTests {

	@Test
	void noSubCommandSeedsAThousandUsersIntoSessionsCsv() {
		SeedOptions options = SeedOptions.parse(new String[] { "--i-know-this-is-not-production" });

		assertThat(options.action()).isEqualTo(SeedOptions.Action.SEED);
		assertThat(options.count()).isEqualTo(1000);
		assertThat(options.out()).isEqualTo(Path.of("sessions.csv"));
		assertThat(options.confirmed()).isTrue();
		assertThat(options.passwordLogin()).isFalse();
		assertThat(options.springArgs()).isEmpty();
	}

	@Test
	void subCommandAfterTheServiceSettingsIsStillTheSubCommand() {
		SeedOptions options = SeedOptions.parse(new String[] { "--spring.profiles.active=embedded", "list" });

		assertThat(options.action()).isEqualTo(SeedOptions.Action.LIST);
		assertThat(options.springArgs()).containsExactly("--spring.profiles.active=embedded");
	}

	@Test
	void settingsOfTheServicePassThroughToItsContext() {
		SeedOptions options = SeedOptions.parse(new String[] { "delete", "--spring.r2dbc.url=r2dbc:h2:mem:///x",
				"--portcullis.auth.access-token-ttl=30s", "--i-know-this-is-not-production" });

		assertThat(options.action()).isEqualTo(SeedOptions.Action.DELETE);
		assertThat(options.springArgs()).containsExactly("--spring.r2dbc.url=r2dbc:h2:mem:///x",
				"--portcullis.auth.access-token-ttl=30s");
	}

	@Test
	void passwordOnTheCommandLineIsRefusedSayingWhereToPutIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SeedOptions.parse(new String[] { "--allow-password-login", "--password=secret" }))
			.withMessageContaining(SeedOptions.PASSWORD_ENV)
			.withMessageContaining(SeedOptions.PASSWORD_STDIN);
	}

	@Test
	void passwordFromStandardInputWithoutPasswordLoginIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> SeedOptions.parse(new String[] { "--password-stdin" }))
			.withMessageContaining(SeedOptions.ALLOW_PASSWORD_LOGIN);
	}

	@Test
	void helpIsTheUsage() {
		assertThatIllegalArgumentException().isThrownBy(() -> SeedOptions.parse(new String[] { "--help" }))
			.withMessageStartingWith("Usage: java -jar portcullis-load-test-seeder-");
	}

	@Test
	void countOutsideItsBoundIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SeedOptions.parse(new String[] { "--count=" + (SeedOptions.MAX_COUNT + 1) }))
			.withMessageContaining("--count must be a whole number from 1 to " + SeedOptions.MAX_COUNT);
	}

}
