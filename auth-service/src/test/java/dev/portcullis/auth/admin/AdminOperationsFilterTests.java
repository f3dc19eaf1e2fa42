package dev.portcullis.auth.admin;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@ExtendWith(OutputCaptureExtension.class)
class AdminOperationsFilterTests {

	static final String SECRET = "admin-secret-for-these-tests-0123456789";

	final AdminOperationsFilter filter = new AdminOperationsFilter(new AdminGuard(new AdminProperties(SECRET)), "/actuator");

	final AdminOperationsFilter off = new AdminOperationsFilter(new AdminGuard(new AdminProperties(null)), "/actuator");

	final AtomicBoolean passed = new AtomicBoolean();

	final WebFilterChain chain = (exchange) -> Mono.fromRunnable(() -> this.passed.set(true));

	@Test
	void filterWhenReadThenPassesWithoutSecret() {
		run(this.filter, MockServerHttpRequest.get("/actuator/signingkeys")).verifyComplete();
		assertThat(this.passed).isTrue();
	}

	@Test
	void filterWhenPostOutsideActuatorThenPassesWithoutSecret() {
		run(this.filter, MockServerHttpRequest.post("/auth/login")).verifyComplete();
		assertThat(this.passed).isTrue();
	}

	@Test
	void filterWhenPostWithTheSecretThenPasses() {
		run(this.filter, MockServerHttpRequest.post("/actuator/signingkeys/k1").header(HttpHeaders.AUTHORIZATION,
				"Bearer " + SECRET)).verifyComplete();
		assertThat(this.passed).isTrue();
	}

	@Test
	void filterWhenPostWithoutOrWithWrongSecretThenAdminUnauthorizedAndNothingRuns() {
		expectRefused(this.filter, MockServerHttpRequest.post("/actuator/signingkeys/k1"), ErrorCode.ADMIN_UNAUTHORIZED);
		expectRefused(this.filter, MockServerHttpRequest.post("/actuator/signingkeys/k1")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + SECRET.substring(1)), ErrorCode.ADMIN_UNAUTHORIZED);
		expectRefused(this.filter, MockServerHttpRequest.delete("/actuator/anything")
			.header(HttpHeaders.AUTHORIZATION, "Bearer"), ErrorCode.ADMIN_UNAUTHORIZED);
		assertThat(this.passed).isFalse();
	}

	@Test
	void filterWhenPathSpelledWithRepeatedSlashesThenStillChecked() {
		expectRefused(this.filter, MockServerHttpRequest.post("/actuator//signingkeys/k1"), ErrorCode.ADMIN_UNAUTHORIZED);
		expectRefused(this.filter, MockServerHttpRequest.post("/actuator"), ErrorCode.ADMIN_UNAUTHORIZED);
		assertThat(this.passed).isFalse();
	}

	@Test
	void filterWhenFormBodyWithTheSecretThenUnsupportedMediaType() {
		for (String type : new String[] { "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
				"Multipart/Form-Data; boundary=x" }) {
			expectRefused(this.filter, MockServerHttpRequest.post("/actuator/signingkeys/k1")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + SECRET)
				.header(HttpHeaders.CONTENT_TYPE, type), ErrorCode.UNSUPPORTED_MEDIA_TYPE);
		}
		run(this.filter, MockServerHttpRequest.post("/actuator/signingkeys/k1")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + SECRET)
			.contentType(MediaType.APPLICATION_JSON)).verifyComplete();
		assertThat(this.passed).isTrue();
	}

	@Test
	void filterWhenNoSecretConfiguredThenEveryOperationRefusedAsOff() {
		expectRefused(this.off, MockServerHttpRequest.post("/actuator/signingkeys/k1"), ErrorCode.ADMIN_DISABLED);
		expectRefused(this.off, MockServerHttpRequest.post("/actuator/signingkeys/k1")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + SECRET), ErrorCode.ADMIN_DISABLED);
		assertThat(this.passed).isFalse();
		run(this.off, MockServerHttpRequest.get("/actuator/health")).verifyComplete();
		assertThat(this.passed).isTrue();
	}

	@Test
	void guardWhenNoSecretConfiguredThenStartUpSaysTheOperationsAreOffOnce(CapturedOutput output) {
		int before = output.getAll().length();
		new AdminGuard(new AdminProperties(null));
		new AdminGuard(new AdminProperties(SECRET));
		String logged = output.getAll().substring(before);
		assertThat(logged.split("Admin operations on the management port", -1)).hasSize(2);
		assertThat(logged).contains("set portcullis.admin-secret (PORTCULLIS_ADMIN_SECRET)").doesNotContain(SECRET);
	}

	@Test
	void propertiesWhenSecretTooShortThenStartUpFailsSayingWhatToSet() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AdminProperties("short"))
			.withMessageContaining("portcullis.admin-secret must be at least 32 characters")
			.withMessageContaining("PORTCULLIS_ADMIN_SECRET");
	}

	@Test
	void propertiesWhenBlankThenOffAndNeverPrinted() {
		assertThat(new AdminProperties("  ").enabled()).isFalse();
		assertThat(new AdminProperties(SECRET).toString()).doesNotContain(SECRET);
	}

	private StepVerifier.FirstStep<Void> run(AdminOperationsFilter filter, MockServerHttpRequest.BaseBuilder<?> request) {
		return StepVerifier.create(filter.filter(MockServerWebExchange.from(request), this.chain));
	}

	private void expectRefused(AdminOperationsFilter filter, MockServerHttpRequest.BaseBuilder<?> request, ErrorCode code) {
		run(filter, request).expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(AuthException.class,
				(refused) -> assertThat(refused.code()).isEqualTo(code)))
			.verify();
	}

}
