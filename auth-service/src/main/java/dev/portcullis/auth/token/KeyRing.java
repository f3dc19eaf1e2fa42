package dev.portcullis.auth.token;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The signing keys: created on first start and kept in the database, so restarts and replicas
 * sign with the same key; rotated so that a new key is published {@code publish-ahead} before
 * it signs anything and an old one stays published until the last token it signed has expired.
 */
@Component
public class KeyRing {

	private static final Logger logger = LoggerFactory.getLogger(KeyRing.class);

	/** Margin on top of the access-token lifetime for clocks that disagree. */
	public static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

	private final SigningKeyRepository repository;

	private final TransactionalOperator transactions;

	private final Randoms randoms;

	private final Clock clock;

	private final AuthProperties.Keys settings;

	private final Duration tokenLifetime;

	private final AtomicReference<Mono<KeySet>> cached = new AtomicReference<>();

	KeyRing(SigningKeyRepository repository, TransactionalOperator transactions, Randoms randoms, Clock clock,
			AuthProperties properties) {
		this.repository = repository;
		this.transactions = transactions;
		this.randoms = randoms;
		this.clock = clock;
		this.settings = properties.keys();
		this.tokenLifetime = properties.accessTokenTtl().plus(CLOCK_MARGIN);
		invalidate();
	}

	/** The current snapshot, re-read from the database every {@code keys.refresh-interval}. */
	Mono<KeySet> current() {
		return this.cached.get();
	}

	/** Introduces a new key that starts signing {@code publish-ahead} from now, retiring the others then. */
	public Mono<String> rotate() {
		Instant now = this.clock.instant();
		Instant activeFrom = now.plus(this.settings.publishAhead());
		return generate(now, activeFrom)
			.flatMap((key) -> this.repository.insert(key)
				.then(this.repository.retireAllBut(key.kid(), activeFrom))
				.as(this.transactions::transactional)
				.thenReturn(key))
			.doOnNext((key) -> logger.info("Signing key {} published; it signs from {}", key.kid(), activeFrom))
			.doOnNext((key) -> invalidate())
			.map(SigningKey::kid);
	}

	/** Rotates when the newest key is older than {@code keys.rotation-interval}. */
	@Scheduled(initialDelayString = "${portcullis.auth.keys.check-interval:1h}",
			fixedDelayString = "${portcullis.auth.keys.check-interval:1h}")
	public Mono<Void> rotateIfDue() {
		Instant now = this.clock.instant();
		return this.repository.newestCreatedAt()
			.filter((newest) -> !newest.plus(this.settings.rotationInterval()).isAfter(now))
			.flatMap((newest) -> rotate())
			.then();
	}

	void invalidate() {
		this.cached.set(Mono.defer(this::load)
			.cache((keys) -> this.settings.refreshInterval(), (error) -> Duration.ZERO, () -> Duration.ZERO));
	}

	private Mono<KeySet> load() {
		Instant now = this.clock.instant();
		return this.repository.findLive(now.minus(this.tokenLifetime))
			.collectList()
			.map((keys) -> new KeySet(keys, this.tokenLifetime))
			.flatMap((keys) -> keys.signingKey(now).isPresent() ? Mono.just(keys) : firstKey(now));
	}

	/** No key can sign (first start, or every key retired while the service was down): make one now. */
	private Mono<KeySet> firstKey(Instant now) {
		return generate(now, now).flatMap((key) -> this.repository.insert(key)
			.then(this.repository.retireAllBut(key.kid(), now))
			.as(this.transactions::transactional)
			.doOnSuccess((done) -> logger.info("No signing key could sign; created {}", key.kid()))
			.then(this.repository.findLive(now.minus(this.tokenLifetime)).collectList())
			.map((keys) -> new KeySet(keys, this.tokenLifetime)));
	}

	private Mono<SigningKey> generate(Instant now, Instant activeFrom) {
		// RSA key generation is CPU-heavy: keep it off the event loop.
		return Mono.fromCallable(() -> {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048, this.randoms.secureRandom());
			var pair = generator.generateKeyPair();
			String kid = this.randoms.token(12);
			RSAKey jwk = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
				.keyID(kid)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
			return new SigningKey(kid, jwk, now, activeFrom, null);
		}).subscribeOn(Schedulers.boundedElastic()).onErrorMap(NoSuchAlgorithmException.class, IllegalStateException::new);
	}

}
