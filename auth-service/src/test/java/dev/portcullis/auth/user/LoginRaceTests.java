package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.AuthServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.portcullis.auth.support.AuthClient.PASSWORD;
import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guesses sent all at once, through HTTP, against the real service and database: the throttle
 * counts each one before Argon2 runs, so no burst gets more guesses than the budget. A block
 * longer than the test keeps "the budget" exact: five.
 */
@AuthServiceTest
@TestPropertySource(properties = LoginRaceTests.LONG_BLOCKS)
class LoginRaceTests {

	/** Blocks that outlast a test; test classes that move this context's clock use it too, and only they. */
	static final String LONG_BLOCKS = "portcullis.auth.login.initial-delay=1h";

	static final int GUESSES = 200;

	static final int FREE_ATTEMPTS = 5;

	static final Pattern CODE = Pattern.compile("\"code\":\"([a-z_]+)\"");

	@Autowired
	WebTestClient client;

	@Autowired
	PasswordHasher hasher;

	@LocalServerPort
	int port;

	AuthClient auth;

	WebClient parallel;

	@BeforeEach
	void setUp() {
		this.auth = new AuthClient(this.client);
		// a connection per request, so all of them are in flight together
		this.parallel = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.newConnection()))
			.build();
	}

	@Test
	void loginWhen200ParallelWrongGuessesForOneAccountThenArgon2SeesOnlyTheFreeAttempts() {
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		long before = this.hasher.verifications();

		List<String> codes = inParallel((i) -> this.parallel.post()
			.uri("/auth/login")
			.header("X-Forwarded-For", AuthClient.uniqueIp())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("email", email, "password", "wrong guess " + i)));

		assertThat(this.hasher.verifications() - before).as("passwords checked by Argon2").isEqualTo(FREE_ATTEMPTS);
		assertThat(codes).filteredOn("invalid_credentials"::equals).hasSize(FREE_ATTEMPTS);
		assertThat(codes).filteredOn("too_many_attempts"::equals).hasSize(GUESSES - FREE_ATTEMPTS);
		this.auth.login(email, PASSWORD, AuthClient.uniqueIp())
			.expectStatus().isEqualTo(429)
			.expectHeader().exists("Retry-After")
			.expectBody().jsonPath("$.code").isEqualTo("too_many_attempts");
	}

	@Test
	void changePasswordWhen200ParallelWrongGuessesThenArgon2SeesOnlyTheFreeAttempts() {
		Tokens stolen = this.auth.newSession();
		long before = this.hasher.verifications();

		List<String> codes = inParallel((i) -> this.parallel.post()
			.uri("/auth/password")
			.cookie(AuthClient.ACCESS, stolen.access())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", "wrong guess " + i, "newPassword", "a brand new passphrase")));

		assertThat(this.hasher.verifications() - before).as("passwords checked by Argon2").isEqualTo(FREE_ATTEMPTS);
		assertThat(codes).filteredOn("invalid_credentials"::equals).hasSize(FREE_ATTEMPTS);
		assertThat(codes).filteredOn("too_many_attempts"::equals).hasSize(GUESSES - FREE_ATTEMPTS);
	}

	/** Sends {@link #GUESSES} requests at once; emits each answer's problem code. */
	private List<String> inParallel(Function<Integer, WebClient.RequestHeadersSpec<?>> request) {
		return Flux.range(0, GUESSES)
			.flatMap((i) -> request.apply(i)
				// read as text: JSON decoding on the client's event loop would take Jackson's cache lock
				.exchangeToMono((response) -> response.bodyToMono(String.class)
					.map((body) -> CODE.matcher(body).results().map((match) -> match.group(1)).findFirst().orElse(body))
					.defaultIfEmpty("status " + response.statusCode().value())), GUESSES)
			.collectList()
			.block(Duration.ofMinutes(2));
	}

}
