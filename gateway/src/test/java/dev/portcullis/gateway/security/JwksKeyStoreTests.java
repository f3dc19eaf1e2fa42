package dev.portcullis.gateway.security;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

}
