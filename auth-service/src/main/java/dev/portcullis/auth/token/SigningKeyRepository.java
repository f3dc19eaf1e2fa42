package dev.portcullis.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.auth.crypto.ServerSecrets;
import dev.portcullis.auth.support.Times;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * Signing keys at rest: the public JWK in clear, the private key sealed under the master secret
 * with the kid and that exact public JWK as associated data, so neither can be swapped.
 */
@Repository
class SigningKeyRepository {

	static final int SEAL_LEGACY = 1;

	static final int SEAL_BOUND = 2;

	private final DatabaseClient db;

	private final ServerSecrets secrets;

	SigningKeyRepository(DatabaseClient db, ServerSecrets secrets) {
		this.db = db;
		this.secrets = secrets;
	}

	/**
	 * Takes the {@code signing_keys} row lock of {@code serial_locks} until the transaction ends,
	 * so replicas create, rotate and withdraw keys one at a time.
	 */
	Mono<Void> lock() {
		return this.db.sql("UPDATE serial_locks SET last_id = last_id + 1 WHERE name = 'signing_keys'").then();
	}

	/** Keys neither withdrawn nor retired before {@code retiredAfter}, oldest first. */
	Flux<SigningKey> findLive(Instant retiredAfter) {
		return this.db
			.sql("SELECT kid, public_jwk, private_key_sealed, seal_version, created_at, active_from, retired_at FROM signing_keys "
					+ "WHERE withdrawn_at IS NULL AND (retired_at IS NULL OR retired_at > :after) ORDER BY created_at, kid")
			.bind("after", Times.db(retiredAfter))
			.map(this::key)
			.all();
	}

	Mono<Instant> newestCreatedAt() {
		return this.db.sql("SELECT MAX(created_at) AS newest FROM signing_keys")
			.map((row) -> Optional.ofNullable(Times.instant(row, "newest")))
			.one()
			.flatMap(Mono::justOrEmpty);
	}

	Mono<Void> insert(SigningKey key) {
		String publicJwk = key.jwk().toPublicJWK().toJSONString();
		byte[] sealed;
		try {
			sealed = this.secrets.seal(key.jwk().toPrivateKey().getEncoded(), boundAad(key.kid(), publicJwk));
		}
		catch (JOSEException ex) {
			return Mono.error(new IllegalStateException("Signing key " + key.kid() + " has no private part", ex));
		}
		return this.db
			.sql("INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key_sealed, seal_version, created_at, active_from) "
					+ "VALUES (:kid, 'RS256', :jwk, :sealed, :version, :created, :active)")
			.bind("kid", key.kid())
			.bind("jwk", publicJwk)
			.bind("sealed", sealed)
			.bind("version", SEAL_BOUND)
			.bind("created", Times.db(key.createdAt()))
			.bind("active", Times.db(key.activeFrom()))
			.then();
	}

	/**
	 * Re-seals the live keys stored before the public JWK was bound into the seal, each after
	 * checking that its public half belongs to its private key; a replica that re-sealed a key
	 * first wins, the others leave it. Fails with {@link KeyRefusedException} on a mismatch.
	 * @return how many keys this call re-sealed
	 */
	Mono<Long> resealLegacy() {
		return this.db
			.sql("SELECT kid, public_jwk, private_key_sealed FROM signing_keys WHERE seal_version = :legacy AND withdrawn_at IS NULL")
			.bind("legacy", SEAL_LEGACY)
			.map((row) -> new Legacy(row.get("kid", String.class), row.get("public_jwk", String.class),
					row.get("private_key_sealed", byte[].class)))
			.all()
			.concatMap((legacy) -> {
				// refuses a public half that is not the private key's
				open(legacy.kid(), legacy.publicJwk(), legacy.sealed(), SEAL_LEGACY);
				byte[] pkcs8 = this.secrets.open(legacy.sealed(), legacyAad(legacy.kid()));
				return this.db
					.sql("UPDATE signing_keys SET private_key_sealed = :sealed, seal_version = :bound "
							+ "WHERE kid = :kid AND seal_version = :legacy")
					.bind("sealed", this.secrets.seal(pkcs8, boundAad(legacy.kid(), legacy.publicJwk())))
					.bind("bound", SEAL_BOUND)
					.bind("kid", legacy.kid())
					.bind("legacy", SEAL_LEGACY)
					.fetch()
					.rowsUpdated();
			})
			.reduce(0L, Long::sum);
	}

	/** Retires every other still-signing key at {@code at}, when the key {@code successor} takes over. */
	Mono<Void> retireAllBut(String successor, Instant at) {
		return this.db.sql("UPDATE signing_keys SET retired_at = :at WHERE retired_at IS NULL AND kid <> :kid")
			.bind("at", Times.db(at))
			.bind("kid", successor)
			.then();
	}

	/** Kids of the keys withdrawn after {@code withdrawnAfter}: tokens they signed may still be presented. */
	Flux<String> findWithdrawnKids(Instant withdrawnAfter) {
		return this.db.sql("SELECT kid FROM signing_keys WHERE withdrawn_at > :after")
			.bind("after", Times.db(withdrawnAfter))
			.map((row) -> row.get("kid", String.class))
			.all();
	}

	/** Whether a key of that kid is stored and not withdrawn: a cheap look-up before any key work. */
	Mono<Boolean> isWithdrawable(String kid) {
		return this.db.sql("SELECT COUNT(*) AS n FROM signing_keys WHERE kid = :kid AND withdrawn_at IS NULL")
			.bind("kid", kid)
			.map((row) -> row.get("n", Number.class).longValue() > 0)
			.one();
	}

	/** Withdraws the key now: it stops signing and is no longer published. 0 if unknown or withdrawn already. */
	Mono<Long> withdraw(String kid, Instant at) {
		return this.db
			.sql("UPDATE signing_keys SET withdrawn_at = :at, retired_at = COALESCE(retired_at, :at) "
					+ "WHERE kid = :kid AND withdrawn_at IS NULL")
			.bind("at", Times.db(at))
			.bind("kid", kid)
			.fetch()
			.rowsUpdated();
	}

	/** Every key's life, without its private part, newest first: for operators. */
	Flux<KeyState> findAllStates() {
		return this.db
			.sql("SELECT kid, created_at, active_from, retired_at, withdrawn_at FROM signing_keys ORDER BY created_at DESC, kid")
			.map((row) -> new KeyState(row.get("kid", String.class), Times.instant(row, "created_at"),
					Times.instant(row, "active_from"), Times.instant(row, "retired_at"), Times.instant(row, "withdrawn_at")))
			.all();
	}

	private SigningKey key(Readable row) {
		String kid = row.get("kid", String.class);
		String publicJwk = row.get("public_jwk", String.class);
		RSAKey jwk = open(kid, publicJwk, row.get("private_key_sealed", byte[].class),
				row.get("seal_version", Number.class).intValue());
		return new SigningKey(kid, jwk, Times.instant(row, "created_at"), Times.instant(row, "active_from"),
				Times.instant(row, "retired_at"));
	}

	/** The key pair of one row, if its seal opens and its public half is its private key's. */
	private RSAKey open(String kid, String publicJwk, byte[] sealed, int version) {
		RSAKey publicKey;
		try {
			publicKey = RSAKey.parse(publicJwk);
		}
		catch (ParseException ex) {
			throw new KeyRefusedException(kid, "its public JWK cannot be parsed", ex);
		}
		byte[] aad = switch (version) {
			case SEAL_LEGACY -> legacyAad(kid);
			case SEAL_BOUND -> boundAad(kid, publicJwk);
			default -> throw new KeyRefusedException(kid, "unknown seal version " + version, null);
		};
		RSAPrivateCrtKey privateKey;
		try {
			byte[] pkcs8 = this.secrets.open(sealed, aad);
			privateKey = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
		}
		catch (IllegalStateException | GeneralSecurityException | ClassCastException ex) {
			throw new KeyRefusedException(kid,
					"its sealed private half does not open with this public JWK (the public half was changed, "
							+ "or portcullis.auth.master-secret is not the one it was sealed under)",
					ex);
		}
		RSAPublicKey stored;
		try {
			stored = publicKey.toRSAPublicKey();
		}
		catch (JOSEException ex) {
			throw new KeyRefusedException(kid, "its public JWK is not an RSA public key", ex);
		}
		if (!stored.getModulus().equals(privateKey.getModulus())
				|| !stored.getPublicExponent().equals(privateKey.getPublicExponent())
				|| (publicKey.getKeyID() != null && !publicKey.getKeyID().equals(kid))) {
			throw new KeyRefusedException(kid, "its public JWK is not the public half of its private key", null);
		}
		return new RSAKey.Builder(publicKey).privateKey(privateKey).build();
	}

	/** Seal version 1: only the kid is bound. Read (and re-sealed) for keys stored before version 2. */
	private static byte[] legacyAad(String kid) {
		return ("signing-key:" + kid).getBytes(StandardCharsets.UTF_8);
	}

	/** Seal version 2: the kid and the exact stored public JWK (no kid contains a line break). */
	private static byte[] boundAad(String kid, String publicJwk) {
		return ("signing-key:v2:" + kid + "\n" + publicJwk).getBytes(StandardCharsets.UTF_8);
	}

	private record Legacy(String kid, String publicJwk, byte[] sealed) {
	}

}
