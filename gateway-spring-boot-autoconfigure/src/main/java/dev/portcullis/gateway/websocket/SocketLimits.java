package dev.portcullis.gateway.websocket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caps on open WebSockets: at most {@code maxPerUser} for one user (the token's
 * {@code sub}, over all their sessions), at most {@code maxOpen} in all. A socket is admitted
 * before its upgrade and holds a {@link Permit} until it ends.
 *
 * <p>Per user, not per session: a self-registered account can log in as often as it likes, so
 * a per-session cap bounds nothing. Memory is bounded by construction: a user's entry exists
 * only while they hold a socket, and there are at most {@code maxOpen} of those.
 */
final class SocketLimits {

	private final int maxPerUser;

	private final int maxOpen;

	private final AtomicInteger open = new AtomicInteger();

	private final Map<String, Integer> byUser = new ConcurrentHashMap<>();

	SocketLimits(int maxPerUser, int maxOpen) {
		this.maxPerUser = maxPerUser;
		this.maxOpen = maxOpen;
	}

	/**
	 * Admits one more socket.
	 * @param userId the user opening it, or {@code null} on a public route (only the total counts)
	 * @return the permit to release once the socket has ended
	 * @throws SocketRefusedException when a cap is reached; nothing is held then
	 */
	Permit admit(String userId) {
		if (this.open.incrementAndGet() > this.maxOpen) {
			this.open.decrementAndGet();
			throw SocketRefusedException.exhausted();
		}
		if (userId != null) {
			boolean[] admitted = new boolean[1];
			this.byUser.compute(userId, (id, held) -> {
				int count = (held != null) ? held : 0;
				if (count >= this.maxPerUser) {
					return held;
				}
				admitted[0] = true;
				return count + 1;
			});
			if (!admitted[0]) {
				this.open.decrementAndGet();
				throw SocketRefusedException.tooManyForUser();
			}
		}
		return new Permit(userId);
	}

	/** Sockets admitted and not yet released. */
	int open() {
		return this.open.get();
	}

	/** Sockets the user holds. */
	int openBy(String userId) {
		return this.byUser.getOrDefault(userId, 0);
	}

	/** Users holding at least one socket: the size of the per-user map. */
	int users() {
		return this.byUser.size();
	}

	/** One admitted socket's place; released once, however many close paths report the end. */
	final class Permit {

		private final String userId;

		private final AtomicBoolean released = new AtomicBoolean();

		private Permit(String userId) {
			this.userId = userId;
		}

		void release() {
			if (!this.released.compareAndSet(false, true)) {
				return;
			}
			if (this.userId != null) {
				SocketLimits.this.byUser.computeIfPresent(this.userId, (id, held) -> (held > 1) ? held - 1 : null);
			}
			SocketLimits.this.open.decrementAndGet();
		}

	}

}
