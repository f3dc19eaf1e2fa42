package dev.portcullis.auth.user;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmailAndPasswordRulesTests {

	static final PasswordPolicy policy = new PasswordPolicy();

	@Test
	void normaliseWhenMixedCaseAndSpacesThenCanonical() {
		assertThat(EmailAddress.normalise("  Alice@Example.ORG\t")).isEqualTo("alice@example.org");
		assertThat(EmailAddress.normalise("ｂｏｂ@example.org")).isEqualTo("bob@example.org");
		assertThat(EmailAddress.normalise("josé@exämple.org")).isEqualTo("josé@exämple.org");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "plain", "a@", "@b", "a@b@c", "a b@c.org", "a@.org", "a@b..org", "a@b.org.",
			"a\u0000@b.org", "a\u202e@b.org", "a<script>@b.org", "'; DROP TABLE users;--@x.org" })
	void normaliseWhenNotAnAddressThenInvalidRequest(String raw) {
		assertThatExceptionOfType(AuthException.class).isThrownBy(() -> EmailAddress.normalise(raw))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
	}

	@Test
	void normaliseWhenTooLongThenInvalidRequest() {
		assertThatExceptionOfType(AuthException.class).isThrownBy(() -> EmailAddress.normalise("a".repeat(250) + "@b.org"));
	}

	@Test
	void policyWhenListLoadedThenHoldsTenThousandCommonPasswords() {
		assertThat(policy.size()).isBetween(9900, 10000);
	}

	@ParameterizedTest
	@ValueSource(strings = { "password", "PASSWORD", "12345678", "qwertyuiop", "iloveyou", "short", "" })
	void checkWhenCommonOrShortThenWeakPassword(String password) {
		assertThatExceptionOfType(AuthException.class).isThrownBy(() -> policy.check(password))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.WEAK_PASSWORD));
	}

	@Test
	void checkWhenLongUnusualOrUnicodeThenAccepted() {
		policy.check("correct horse battery staple");
		policy.check("🔐🔐🔐🔐🔐🔐🔐🔐");
		policy.check("x".repeat(128));
		assertThatExceptionOfType(AuthException.class).isThrownBy(() -> policy.check("x".repeat(129)));
	}

}
