package dev.portcullis.gateway.security;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JwksKeyStoreTests {

	private static RSAKey first;

	private static RSAKey second;

	private FakeJwksServer jwks;

	private JwksKeyStore store;

	@BeforeAll
	static void generateKeys() {
		first = TestKeys.rsa("k1");
		second = TestKeys.rsa("k2");
	}

	@AfterEach
	void tearDown() {
		if (this.store != null) {
			this.store.stop();
		}
		if (this.jwks != null) {
			this.jwks.close();
		}
	}

	private JwksKeyStore store(URI uri, Duration minRefetch) {
		this.store = new JwksKeyStore(WebClient.builder().build(), uri, Set.of(JWSAlgorithm.RS256),
				Duration.ofMinutes(5), minRefetch, Duration.ofSeconds(2));
		return this.store;
	}

	@Test
	void currentWhenNeverFetchedThenNotLoaded() {
		this.jwks = new FakeJwksServer(first);
		assertThat(store(this.jwks.uri(), Duration.ZERO).current().loaded()).isFalse();
	}

	@Test
	void fetchWhenServerAnswersThenHoldsPublishedKeys() {
		this.jwks = new FakeJwksServer(first, second);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		StepVerifier.create(store.fetch()).expectNextCount(1).verifyComplete();
		assertThat(store.current().loaded()).isTrue();
		assertThat(store.current().find("k1")).isNotNull();
		assertThat(store.current().find("k2")).isNotNull();
		assertThat(store.lastFetchFailed()).isFalse();
	}

	@Test
	void startWhenLifecycleStartsThenFetchesWithoutBeingAsked() {
		this.jwks = new FakeJwksServer(first);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		store.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> store.current().loaded());
		store.stop();
		assertThat(store.isRunning()).isFalse();
	}

	@Test
	void fetchWhenServerDownThenKeepsKeysHeldAndRecordsFailure() {
		this.jwks = new FakeJwksServer(first);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		StepVerifier.create(store.fetch()).expectNextCount(1).verifyComplete();
		this.jwks.stop();
		StepVerifier.create(store.fetch()).expectError().verify();
		assertThat(store.lastFetchFailed()).isTrue();
		assertThat(store.current().find("k1")).isNotNull();
	}

	@Test
	void fetchWhenDocumentIsNotJwksThenKeepsKeysHeld() {
		this.jwks = new FakeJwksServer(first);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		StepVerifier.create(store.fetch()).expectNextCount(1).verifyComplete();
		this.jwks.publishRaw("<html>maintenance</html>");
		StepVerifier.create(store.fetch()).expectError(IllegalStateException.class).verify();
		assertThat(store.lastFetchFailed()).isTrue();
		assertThat(store.current().find("k1")).isNotNull();
	}

	@Test
	void refetchForUnknownKeyWhenCalledTwiceWithinIntervalThenFetchesOnce() {
		this.jwks = new FakeJwksServer(first);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ofHours(1));
		StepVerifier.create(store.refetchForUnknownKey()).verifyComplete();
		StepVerifier.create(store.refetchForUnknownKey()).verifyComplete();
		assertThat(this.jwks.hits()).isEqualTo(1);
	}

	@Test
	void refetchForUnknownKeyWhenRotatedThenFindsNewKey() {
		this.jwks = new FakeJwksServer(first);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		StepVerifier.create(store.fetch()).expectNextCount(1).verifyComplete();
		this.jwks.publish(first, second);
		StepVerifier.create(store.refetchForUnknownKey()).verifyComplete();
		assertThat(store.current().find("k2")).isNotNull();
	}

	@Test
	void refetchForUnknownKeyWhenConcurrentThenSingleFetch() {
		this.jwks = new FakeJwksServer(first);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		StepVerifier.create(Mono.when(store.fetch(), store.fetch(), store.fetch())).verifyComplete();
		assertThat(this.jwks.hits()).isEqualTo(1);
	}

	@Test
	void refetchForUnknownKeyWhenServerDownThenCompletesAndRecordsFailure() {
		this.jwks = new FakeJwksServer(first);
		this.jwks.stop();
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		StepVerifier.create(store.refetchForUnknownKey()).verifyComplete();
		assertThat(store.lastFetchFailed()).isTrue();
		assertThat(store.current().loaded()).isFalse();
	}

	/**
	 * A 2xx answer without a usable key set is a failed fetch: retried after the back-off, not at
	 * once and not in a loop that never asks the server again, so the keys arrive once it is fixed.
	 */
	@ParameterizedTest(name = "body \"{0}\"")
	@ValueSource(strings = { "", "{}", "<html>maintenance</html>" })
	void startWhenAnswerHasNoKeySetThenRetriesAfterBackOffAndRecovers(String body) {
		this.jwks = new FakeJwksServer(first);
		this.jwks.publishRaw(body);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		store.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.jwks.hits() >= 1);
		// the retry floor is 1 s: over 2.5 s, three fetches (at 0, 1 and 2 s), give or take one
		await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> this.jwks.hits() <= 4);
		assertThat(store.lastFetchFailed()).isTrue();
		assertThat(store.current().loaded()).isFalse();
		this.jwks.publish(first);
		await().atMost(Duration.ofSeconds(5)).until(() -> store.current().loaded());
		assertThat(store.lastFetchFailed()).isFalse();
	}

	@Test
	void refetchForUnknownKeyWhenAnswerEmptyThenRecordsFailure() {
		this.jwks = new FakeJwksServer(first);
		this.jwks.publishRaw("");
		JwksKeyStore store = store(this.jwks.uri(), Duration.ZERO);
		StepVerifier.create(store.refetchForUnknownKey()).verifyComplete();
		// so a token naming an unknown kid gets "unavailable", not "invalid"
		assertThat(store.lastFetchFailed()).isTrue();
	}

	/**
	 * Unknown-kid requests arriving while the scheduled refresh runs back to back must join a
	 * fetch or be declined, and a refresh asked for after the previous one answered must fetch
	 * anew, not be handed the previous answer: every fetch reaching the server is the schedule's
	 * or the interval's one on-demand fetch.
	 */
	@Test
	void refetchForUnknownKeyWhenManyConcurrentAroundRefreshesThenEveryRefreshFetchesAndNoneMore() throws Exception {
		this.jwks = new FakeJwksServer(first);
		JwksKeyStore store = store(this.jwks.uri(), Duration.ofHours(1));
		StepVerifier.create(store.refetchForUnknownKey()).verifyComplete();
		int refreshes = 100;
		hammerUnknownKids(store, 4, () -> {
			for (int i = 0; i < refreshes; i++) {
				store.fetch().block(Duration.ofSeconds(5));
			}
		});
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
		assertThat(this.jwks.hits()).isEqualTo(1 + refreshes);
	}

	/**
	 * The check that a fetch is in flight and the join must be one step: here every fetch start
	 * is slowed, as a busy CPU may slow it, so a fetch that lands between a request's check and
	 * its join would let the request start a fetch of its own, past the rate limit.
	 */
	@Test
	void refetchForUnknownKeyWhenFetchLandsBetweenCheckAndJoinThenNoExtraFetch() throws Exception {
		this.jwks = new FakeJwksServer(first);
		this.store = new JwksKeyStore(WebClient.builder().build(), this.jwks.uri(), Set.of(JWSAlgorithm.RS256),
				Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofSeconds(2)) {

			@Override
			public Mono<SigningKeys> fetch() {
				LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
				return super.fetch();
			}

		};
		JwksKeyStore store = this.store;
		hammerUnknownKids(store, 8, () -> StepVerifier.create(store.refetchForUnknownKey())
			.thenAwait(Duration.ofMillis(500))
			.verifyComplete());
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
		assertThat(this.jwks.hits()).isEqualTo(1);
	}

	/** Runs {@code work} while {@code threads} threads keep asking for unknown-kid refetches. */
	private static void hammerUnknownKids(JwksKeyStore store, int threads, Runnable work) throws InterruptedException {
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Thread caller = new Thread(() -> {
				while (running.get()) {
					store.refetchForUnknownKey().subscribe();
				}
			});
			caller.start();
			callers.add(caller);
		}
		try {
			work.run();
		}
		finally {
			running.set(false);
			for (Thread caller : callers) {
				caller.join(5000);
			}
		}
	}

}
