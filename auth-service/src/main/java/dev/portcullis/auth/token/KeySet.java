package dev.portcullis.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/** A snapshot of the live signing keys, as last read from the database. */
final class KeySet {

	private final List<SigningKey> keys;

	private final Duration tokenLifetime;

	private final Set<String> withdrawn;

	KeySet(List<SigningKey> keys, Duration tokenLifetime) {
		this(keys, tokenLifetime, Set.of());
	}

	/**
	 * @param keys the live keys
	 * @param tokenLifetime how long a token can be accepted
	 * @param withdrawn kids of keys withdrawn so recently that tokens they signed may still be presented
	 */
	KeySet(List<SigningKey> keys, Duration tokenLifetime, Set<String> withdrawn) {
		this.keys = List.copyOf(keys);
		this.tokenLifetime = tokenLifetime;
		this.withdrawn = Set.copyOf(withdrawn);
	}

	/** Whether a token naming this kid was signed by a key since withdrawn (and not by a forged kid). */
	boolean withdrew(String kid) {
		return kid != null && this.withdrawn.contains(kid);
	}

	/** The newest key allowed to sign at {@code now}. */
	Optional<SigningKey> signingKey(Instant now) {
		return this.keys.stream()
			.filter((key) -> key.signsAt(now))
			.max(Comparator.comparing(SigningKey::activeFrom).thenComparing(SigningKey::createdAt));
	}

	/** Public halves of every key a valid token may carry at {@code now}, or that is about to sign. */
	JWKSet publicJwks(Instant now) {
		List<JWK> published = this.keys.stream()
			.filter((key) -> key.publishedAt(now, this.tokenLifetime))
			.map((key) -> (JWK) key.jwk().toPublicJWK())
			.toList();
		return new JWKSet(published);
	}

	List<SigningKey> keys() {
		return this.keys;
	}

}
