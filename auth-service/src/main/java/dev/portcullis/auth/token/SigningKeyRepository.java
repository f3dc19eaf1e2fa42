package dev.portcullis.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
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

/** Signing keys at rest: the public JWK in clear, the private key sealed under the master secret. */
@Repository
class SigningKeyRepository {

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
			.sql("SELECT kid, public_jwk, private_key_sealed, created_at, active_from, retired_at FROM signing_keys "
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
		byte[] sealed;
		try {
			sealed = this.secrets.seal(key.jwk().toPrivateKey().getEncoded(), aad(key.kid()));
		}
		catch (JOSEException ex) {
			return Mono.error(new IllegalStateException("Signing key " + key.kid() + " has no private part", ex));
		}
		return this.db
			.sql("INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key_sealed, created_at, active_from) "
					+ "VALUES (:kid, 'RS256', :jwk, :sealed, :created, :active)")
			.bind("kid", key.kid())
			.bind("jwk", key.jwk().toPublicJWK().toJSONString())
			.bind("sealed", sealed)
			.bind("created", Times.db(key.createdAt()))
			.bind("active", Times.db(key.activeFrom()))
			.then();
	}

	/** Retires every other still-signing key at {@code at}, when the key {@code successor} takes over. */
	Mono<Void> retireAllBut(String successor, Instant at) {
		return this.db.sql("UPDATE signing_keys SET retired_at = :at WHERE retired_at IS NULL AND kid <> :kid")
			.bind("at", Times.db(at))
			.bind("kid", successor)
			.then();
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
		try {
			RSAKey publicJwk = RSAKey.parse(row.get("public_jwk", String.class));
			byte[] pkcs8 = this.secrets.open(row.get("private_key_sealed", byte[].class), aad(kid));
			RSAPrivateKey privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA")
				.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
			RSAKey jwk = new RSAKey.Builder(publicJwk).privateKey(privateKey).build();
			return new SigningKey(kid, jwk, Times.instant(row, "created_at"), Times.instant(row, "active_from"),
					Times.instant(row, "retired_at"));
		}
		catch (ParseException | GeneralSecurityException ex) {
			throw new IllegalStateException("Signing key " + kid + " in the database cannot be read", ex);
		}
	}

	private static byte[] aad(String kid) {
		return ("signing-key:" + kid).getBytes(StandardCharsets.UTF_8);
	}

}
