package dev.portcullis.auth.token;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.auth.revocation.KeyRevoked;
import dev.portcullis.auth.revocation.Revocation;
import dev.portcullis.auth.revocation.Revocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.event.EventListener;
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

	private final SigningKeyRepository repository;

	private final TransactionalOperator transactions;

	private final Randoms randoms;

	private final Revocations revocations;

	private final Clock clock;

	private final AuthProperties.Keys settings;

	private final Duration tokenLifetime;

	private final AtomicReference<Mono<KeySet>> cached = new AtomicReference<>();

	private final AtomicReference<String> refused = new AtomicReference<>();

	private final Mono<Void> resealed;

	KeyRing(SigningKeyRepository repository, TransactionalOperator transactions, Randoms randoms, Revocations revocations,
			Clock clock, AuthProperties properties) {
		this.repository = repository;
		this.transactions = transactions;
		this.randoms = randoms;
		this.revocations = revocations;
		this.clock = clock;
		this.settings = properties.keys();
		this.tokenLifetime = properties.accessTokenLifetime();
		// done once; a failure (a refused key, a database outage) is tried again on the next load
		Duration forever = Duration.ofMillis(Long.MAX_VALUE);
		this.resealed = resealLegacyKeys().cache((done) -> forever, (error) -> Duration.ZERO, () -> forever);
		invalidate();
	}

	/** The current snapshot, re-read from the database every {@code keys.refresh-interval}. */
	Mono<KeySet> current() {
		return this.cached.get();
	}

	/** Introduces a new key that starts signing {@code publish-ahead} from now, retiring the others then. */
	public Mono<String> rotate() {
		return rotateWhile((newest, now) -> true);
	}

	/** Rotates when the newest key is older than {@code keys.rotation-interval}. */
	@Scheduled(initialDelayString = "${portcullis.auth.keys.check-interval:1h}",
			fixedDelayString = "${portcullis.auth.keys.check-interval:1h}")
	public Mono<Void> rotateIfDue() {
		Instant now = this.clock.instant();
		return this.repository.newestCreatedAt()
			.filter((newest) -> isDue(newest, now))
			// Checked again under the lock: another replica may have rotated meanwhile.
			.flatMap((newest) -> rotateWhile((newestNow, at) -> newestNow == null || isDue(newestNow, at)))
			.then();
	}

	/**
	 * Withdraws a key at once (say it leaked): it is no longer published nor used to sign, a
	 * {@code key} revocation tells every gateway to refuse the tokens it signed, and if it was
	 * the signing key a new one signs from now. Empty when no such key is live.
	 *
	 * <p>The kid is looked up first: an unknown or already withdrawn one costs one query, not an
	 * RSA key generation (the replacement is made before the lock is taken, so the lock is not
	 * held while it is computed). The update under the lock decides; the look-up only saves work.
	 */
	public Mono<Withdrawal> withdraw(String kid) {
		Instant now = this.clock.instant();
		return this.repository.isWithdrawable(kid)
			.filter(Boolean::booleanValue)
			.flatMap((live) -> generate(now, now))
			.flatMap((replacement) -> this.repository.lock()
				.then(liveKeys(now))
				.flatMap((keys) -> this.repository.withdraw(kid, now)
					.filter((count) -> count > 0)
					.flatMap((count) -> replaceIfSigning(keys, kid, replacement, now))
					.flatMap((withdrawal) -> this.revocations.record(Revocation.key(kid, now)).thenReturn(withdrawal)))
				.as(this.transactions::transactional))
			.doOnNext((withdrawal) -> logger.warn("Signing key {} withdrawn; {}", kid,
					(withdrawal.replacement() != null) ? "key " + withdrawal.replacement() + " signs from now"
							: "it was not signing"))
			.doOnNext((withdrawal) -> invalidate());
	}

	/** Every key's dates and state, for operators. */
	Flux<KeyView> states() {
		Instant now = this.clock.instant();
		return this.repository.findAllStates()
			.map((key) -> new KeyView(key.kid(), key.state(now, this.tokenLifetime), key.createdAt(), key.activeFrom(),
					key.retiredAt(), key.withdrawnAt()));
	}

	/** Another replica withdrew a key: stop signing with it and stop publishing it now. */
	@EventListener
	void onKeyRevoked(KeyRevoked event) {
		invalidate();
	}

	void invalidate() {
		this.cached.set(Mono.defer(this::load)
			.cache((keys) -> this.settings.refreshInterval(), (error) -> Duration.ZERO, () -> Duration.ZERO));
	}

	private boolean isDue(Instant newest, Instant now) {
		return !newest.plus(this.settings.rotationInterval()).isAfter(now);
	}

	/** Rotates under the key lock if {@code wanted} still holds for the newest key (null: no key). */
	private Mono<String> rotateWhile(BiPredicate<Instant, Instant> wanted) {
		Instant now = this.clock.instant();
		Instant activeFrom = now.plus(this.settings.publishAhead());
		return generate(now, activeFrom)
			.flatMap((key) -> this.repository.lock()
				.then(this.repository.newestCreatedAt().map(Optional::of).defaultIfEmpty(Optional.empty()))
				.filter((newest) -> wanted.test(newest.orElse(null), now))
				.flatMap((newest) -> this.repository.insert(key)
					.then(this.repository.retireAllBut(key.kid(), activeFrom))
					.thenReturn(key))
				.as(this.transactions::transactional))
			.doOnNext((key) -> logger.info("Signing key {} published; it signs from {}", key.kid(), activeFrom))
			.doOnNext((key) -> invalidate())
			.map(SigningKey::kid);
	}

	private Mono<Withdrawal> replaceIfSigning(KeySet before, String kid, SigningKey replacement, Instant now) {
		boolean wasSigning = before.signingKey(now).map((key) -> key.kid().equals(kid)).orElse(false);
		if (!wasSigning) {
			return Mono.just(new Withdrawal(kid, null));
		}
		return this.repository.insert(replacement)
			.then(this.repository.retireAllBut(replacement.kid(), now))
			.thenReturn(new Withdrawal(kid, replacement.kid()));
	}

	private Mono<KeySet> load() {
		Instant now = this.clock.instant();
		return this.resealed.then(liveKeys(now))
			.flatMap((keys) -> keys.signingKey(now).isPresent() ? Mono.just(keys) : firstKey(now))
			.doOnSuccess((keys) -> this.refused.set(null))
			.doOnError(KeyRefusedException.class, this::reportRefused);
	}

	/** Once per refused key, not on every request that finds the ring unusable. */
	private void reportRefused(KeyRefusedException ex) {
		if (!ex.kid().equals(this.refused.getAndSet(ex.kid()))) {
			logger.error(ex.getMessage(), ex);
		}
	}

	/** Keys stored before their public half was bound into the seal get it bound, once per process. */
	private Mono<Void> resealLegacyKeys() {
		return Mono.defer(() -> this.repository.resealLegacy())
			.doOnNext((count) -> {
				if (count > 0) {
					logger.info("Re-sealed {} signing key(s) with their public key bound to the private key", count);
				}
			})
			.then();
	}

	private Mono<KeySet> liveKeys(Instant now) {
		Instant after = now.minus(this.tokenLifetime);
		return Mono.zip(this.repository.findLive(after).collectList(),
				this.repository.findWithdrawnKids(after).collect(Collectors.toSet()))
			.map((found) -> new KeySet(found.getT1(), this.tokenLifetime, found.getT2()));
	}

	/**
	 * No key can sign (first start, or every key retired while the service was down): make one
	 * now, unless another replica did while we waited for the lock.
	 */
	private Mono<KeySet> firstKey(Instant now) {
		return generate(now, now).flatMap((key) -> this.repository.lock()
			// Judged at the time the lock is ours: a key another replica just made may sign only from then.
			.then(Mono.defer(() -> {
				Instant locked = this.clock.instant();
				return liveKeys(locked).flatMap((keys) -> keys.signingKey(locked).isPresent() ? Mono.just(keys)
						: this.repository.insert(key)
							.then(this.repository.retireAllBut(key.kid(), now))
							.doOnSuccess((done) -> logger.info("No signing key could sign; created {}", key.kid()))
							.then(liveKeys(locked)));
			}))
			.as(this.transactions::transactional));
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

	/** What a withdrawal did: the key, and the key that signs instead (null if it was not signing). */
	public record Withdrawal(String kid, String replacement) {
	}

	/** One key as operators see it. */
	record KeyView(String kid, String state, Instant createdAt, Instant activeFrom, Instant retiredAt, Instant withdrawnAt) {
	}

}
