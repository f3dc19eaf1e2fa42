package dev.portcullis.gateway.security;

import reactor.core.publisher.Mono;

/**
 * Where the verifier finds signing keys. Reads are local and non-blocking; only
 * {@link #refetchForUnknownKey()} may reach the network.
 */
public interface SigningKeySource {

	/**
	 * The keys held now.
	 * @return the keys; {@code loaded()} is false until keys were ever obtained
	 */
	SigningKeys current();

	/**
	 * Asks for a fresh key set because a token named an unknown key. Implementations may
	 * decline (rate limit) and complete at once.
	 * @return completion, never an error
	 */
	Mono<Void> refetchForUnknownKey();

	/**
	 * Whether the most recent attempt to obtain keys failed.
	 * @return true while the key source is unreachable
	 */
	boolean lastFetchFailed();

	/**
	 * A source that always holds the same keys.
	 * @param keys the keys
	 * @return the source
	 */
	static SigningKeySource of(SigningKeys keys) {
		return new SigningKeySource() {

			@Override
			public SigningKeys current() {
				return keys;
			}

			@Override
			public Mono<Void> refetchForUnknownKey() {
				return Mono.empty();
			}

			@Override
			public boolean lastFetchFailed() {
				return false;
			}
		};
	}

}
