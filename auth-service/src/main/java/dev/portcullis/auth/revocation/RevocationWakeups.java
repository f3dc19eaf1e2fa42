package dev.portcullis.auth.revocation;

import reactor.core.publisher.Flux;

/**
 * Signals that another replica may have written events, so the log should be read now rather
 * than at the next poll. Polling stays the truth; a lost signal only costs latency.
 */
@FunctionalInterface
interface RevocationWakeups {

	/** Never completes while subscribed; recovers from its own failures. */
	Flux<?> signals();

	/** For stores without notifications: only the poll. */
	static RevocationWakeups none() {
		return Flux::never;
	}

}
