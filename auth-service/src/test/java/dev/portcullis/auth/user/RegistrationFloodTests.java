package dev.portcullis.auth.user;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthServiceTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.portcullis.auth.support.AuthClient.PASSWORD;
import static dev.portcullis.auth.support.AuthClient.uniqueEmail;
import static dev.portcullis.auth.support.AuthClient.uniqueIp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registrations hash on their own share of the hashing pool: a flood of them, each from its own
 * client so that no registration budget stops it, queues behind itself, and a login meanwhile
 * waits for no more than about two hashes. The registrations that finish while the login is
 * answered measure that wait in hashes, whatever the machine's speed: on one shared queue the
 * login would wait for dozens.
 */
@AuthServiceTest
class RegistrationFloodTests {

	static final int REGISTRATIONS = 90;

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry registry;

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
	void loginWhenNinetyRegistrationsAreHashingThenItAnswersWithinAboutTwoHashes() throws Exception {
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		long alone = timed(() -> this.auth.login(email, PASSWORD, uniqueIp()).expectStatus().isOk());

		AtomicInteger hashed = new AtomicInteger();
		CompletableFuture<List<Integer>> flood = Flux.range(0, REGISTRATIONS)
			.flatMap((i) -> this.parallel.post()
				.uri("/auth/register")
				.header("X-Forwarded-For", uniqueIp())
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("email", uniqueEmail(), "password", PASSWORD))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
				.doOnNext((status) -> {
					if (status == 201) {
						hashed.incrementAndGet();
					}
				}), REGISTRATIONS)
			.collectList()
			.toFuture();
		waitForQueuedHashes(REGISTRATIONS / 3);
		int before = hashed.get();
		long meanwhile = timed(() -> this.auth.login(email, PASSWORD, uniqueIp()).expectStatus().isOk());
		int during = hashed.get() - before;
		List<Integer> statuses = flood.get(2, TimeUnit.MINUTES);

		System.out.printf("registration flood: a login took %d ms alone, %d ms during %d registrations, "
				+ "while %d of them were hashed%n", alone, meanwhile, REGISTRATIONS, during);
		assertThat(statuses).hasSize(REGISTRATIONS).containsOnly(201, 429);
		assertThat(statuses).filteredOn((status) -> status == 201).hasSizeGreaterThan(during);
		assertThat(during).as("registrations hashed while the login waited; it took " + meanwhile + " ms, alone " + alone)
			.isLessThanOrEqualTo(8);
	}

	@Test
	void registerWhenNinetyConcurrentRegistrationsOfATakenAddressThenAllConflictWithoutHashing() {
		String email = uniqueEmail();
		this.auth.register(email, PASSWORD).expectStatus().isCreated();
		long hashes = this.registry.get("portcullis.auth.hashing.duration").tag("operation", "hash").timer().count();

		List<Integer> statuses = Flux.range(0, REGISTRATIONS)
			.flatMap((i) -> this.parallel.post()
				.uri("/auth/register")
				.header("X-Forwarded-For", uniqueIp())
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("email", email, "password", PASSWORD))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), REGISTRATIONS)
			.collectList()
			.block(Duration.ofMinutes(2));

		assertThat(statuses).hasSize(REGISTRATIONS).containsOnly(409);
		assertThat(this.registry.get("portcullis.auth.hashing.duration").tag("operation", "hash").timer().count())
			.as("Argon2 hashes").isEqualTo(hashes);
	}

	/** Until that many hashes wait for a thread (the flood has arrived), or ten seconds passed. */
	private void waitForQueuedHashes(int count) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (queued() < count && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(queued()).as("hashes queued by the flood").isGreaterThanOrEqualTo(count);
	}

	private double queued() {
		return this.registry.get("portcullis.auth.hashing.queued").gauge().value();
	}

	private static long timed(Runnable call) {
		long start = System.nanoTime();
		call.run();
		return (System.nanoTime() - start) / 1_000_000;
	}

}
