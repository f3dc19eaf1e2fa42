package dev.portcullis.gateway.websocket;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.security.VerifiedAccess;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Every open WebSocket that an access token let through, so that none outlives that access:
 * each is ended with close code {@value #UNAUTHORIZED} and reason {@code token_expired} once
 * its token has expired, {@code session_revoked} as soon as the revocation feed ends its
 * session or its user's earlier tokens, or {@code key_withdrawn} when it withdraws only its
 * signing key (the client refreshes and reconnects).
 *
 * <p>One shared sweep, every {@code sweepEvery}, ends the sockets at the head of a set ordered
 * by expiry; a revocation ends the affected sockets from the thread that applies it. No socket
 * holds a thread or a timer: an idle socket costs its entries in two maps.
 *
 * <p>"Expired" means what the access check means: past {@code exp} plus the clock skew it
 * tolerates.
 */
final class OpenSockets implements SmartLifecycle {

	/** The close code for access that ended: 4000–4999 are for applications (RFC 6455 section 7.4.2). */
	static final int UNAUTHORIZED = 4401;

	static final CloseStatus TOKEN_EXPIRED = new CloseStatus(UNAUTHORIZED, ErrorCodes.TOKEN_EXPIRED);

	static final CloseStatus SESSION_REVOKED = new CloseStatus(UNAUTHORIZED, ErrorCodes.SESSION_REVOKED);

	static final CloseStatus KEY_WITHDRAWN = new CloseStatus(UNAUTHORIZED, ErrorCodes.KEY_WITHDRAWN);

	private final Set<OpenSocket> byExpiry = new ConcurrentSkipListSet<>(
			Comparator.comparingLong(OpenSocket::closeAtMillis).thenComparingLong(OpenSocket::serial));

	private final Map<String, Set<OpenSocket>> bySession = new ConcurrentHashMap<>();

	private final AtomicLong serials = new AtomicLong();

	private final RevocationList revocations;

	private final Clock clock;

	private final long graceMillis;

	private final Duration sweepEvery;

	private volatile Disposable sweeping;

	/**
	 * @param revocations the denylist, consulted when a socket opens and on every revocation
	 * @param grace how long past {@code exp} a token still counts: the access check's clock skew
	 * @param sweepEvery how often expired sockets are looked for: bounds how late past expiry
	 * a socket is ended
	 * @param clock the time
	 */
	OpenSockets(RevocationList revocations, Duration grace, Duration sweepEvery, Clock clock) {
		this.revocations = revocations;
		this.graceMillis = grace.toMillis();
		this.sweepEvery = sweepEvery;
		this.clock = clock;
	}

	/**
	 * Tracks a socket that has just been upgraded.
	 * @param access what the access check verified for the upgrade request
	 * @return the tracked socket; {@link OpenSocket#ended()} says when to end it
	 */
	OpenSocket open(VerifiedAccess access) {
		OpenSocket socket = new OpenSocket(access, access.expiresAtMillis() + this.graceMillis,
				this.serials.incrementAndGet());
		this.byExpiry.add(socket);
		this.bySession.compute(access.sessionId(), (sid, sockets) -> {
			Set<OpenSocket> set = (sockets != null) ? sockets : ConcurrentHashMap.newKeySet(2);
			set.add(socket);
			return set;
		});
		// a revocation applied between the access check and now found no socket to end
		CloseStatus refused = refusal(socket);
		if (refused != null) {
			socket.end(refused);
		}
		return socket;
	}

	/**
	 * Forgets a socket that has ended.
	 * @param socket a socket from {@link #open}
	 */
	void closed(OpenSocket socket) {
		this.byExpiry.remove(socket);
		this.bySession.computeIfPresent(socket.access().sessionId(), (sid, sockets) -> {
			sockets.remove(socket);
			return sockets.isEmpty() ? null : sockets;
		});
	}

	/**
	 * Ends every socket whose access has expired.
	 * @param nowMillis the current time, epoch milliseconds
	 */
	void sweep(long nowMillis) {
		for (Iterator<OpenSocket> due = this.byExpiry.iterator(); due.hasNext();) {
			OpenSocket socket = due.next();
			if (socket.closeAtMillis() > nowMillis) {
				return;
			}
			due.remove();
			socket.end(TOKEN_EXPIRED);
		}
	}

	/**
	 * Ends the sockets a revocation applies to; called once the list already refuses them.
	 * @param event the event just applied
	 */
	void revoked(RevocationEvent event) {
		Collection<OpenSocket> candidates = RevocationEvent.SESSION.equals(event.kind())
				? this.bySession.getOrDefault(event.subject(), Set.of()) : this.byExpiry;
		for (OpenSocket socket : candidates) {
			CloseStatus refused = refusal(socket);
			if (refused != null) {
				socket.end(refused);
			}
		}
	}

	/** How many sockets are open or being ended. */
	int tracked() {
		return this.bySession.values().stream().mapToInt(Set::size).sum();
	}

	/** How to end a socket whose access was revoked, or null while it is not. */
	private CloseStatus refusal(OpenSocket socket) {
		VerifiedAccess access = socket.access();
		String code = this.revocations.refusal(access.userId(), access.sessionId(), access.keyId(), access.issuedAtMillis());
		if (code == null) {
			return null;
		}
		return ErrorCodes.KEY_WITHDRAWN.equals(code) ? KEY_WITHDRAWN : SESSION_REVOKED;
	}

	@Override
	public void start() {
		this.sweeping = Flux.interval(this.sweepEvery, Schedulers.parallel())
			.subscribe((tick) -> sweep(this.clock.millis()));
	}

	@Override
	public void stop() {
		Disposable running = this.sweeping;
		if (running != null) {
			running.dispose();
		}
		this.sweeping = null;
	}

	@Override
	public boolean isRunning() {
		return this.sweeping != null;
	}

}
