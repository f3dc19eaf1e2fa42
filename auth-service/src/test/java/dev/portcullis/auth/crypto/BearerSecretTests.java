package dev.portcullis.auth.crypto;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerSecretTests {

	private static final String SECRET = "an-operator-secret-of-at-least-32-chars";

	private final BearerSecret secret = new BearerSecret(SECRET);

	@Test
	void matchesWhenBearerWithTheSecretThenTrue() {
		assertThat(this.secret.matches("Bearer " + SECRET)).isTrue();
		assertThat(this.secret.matches("bearer " + SECRET)).isTrue();
	}

	@Test
	void matchesWhenMissingOtherSchemeOrWrongSecretThenFalse() {
		assertThat(this.secret.matches(null)).isFalse();
		assertThat(this.secret.matches("")).isFalse();
		assertThat(this.secret.matches(SECRET)).isFalse();
		assertThat(this.secret.matches("Basic " + SECRET)).isFalse();
		assertThat(this.secret.matches("Bearer " + SECRET + "x")).isFalse();
		assertThat(this.secret.matches("Bearer " + SECRET.substring(1))).isFalse();
		assertThat(this.secret.matches("Bearer")).isFalse();
	}

}
