package dev.portcullis.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/** A snapshot of the live signing keys, as last read from the database. */
final class KeySet {

	private final List<SigningKey> keys;

	private final Duration tokenLifetime;

	KeySet(List<SigningKey> keys, Duration tokenLifetime) {
		this.keys = List.copyOf(keys);
		this.tokenLifetime = tokenLifetime;
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
