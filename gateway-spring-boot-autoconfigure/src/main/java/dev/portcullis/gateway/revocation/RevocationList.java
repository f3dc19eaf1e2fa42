package dev.portcullis.gateway.revocation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.contract.revocation.RevocationEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The gateway's denylist: what the revocation feed says no longer grants access, held in
 * memory and consulted on every request after the token's signature and claims have passed.
 *
 * <ul>
 * <li>a revoked session ({@code sid}) refuses every token of that session;</li>
 * <li>a user's "not before" refuses that user's tokens issued before it (logout everywhere);</li>
 * <li>a withdrawn key ({@code kid}) refuses every token it signed.</li>
 * </ul>
 *
 * <p>JWT {@code iat} has whole-second precision (RFC 7519 §2, NumericDate as issued), so a
 * token issued in the same second as a user's revocation cannot be told apart from one issued
 * just before it. Such tokens are refused: the threshold is the revocation instant rounded
 * <em>up</em> to the next whole second, and a token is refused when its {@code iat} is below it.
 * The cost is that a login completed within that same second is refused once and must log in
 * again; the alternative, rounding down, would let a token minted just before the logout survive
 * until it expires. The auth service also sends a {@code session} event for every session a
 * logout everywhere ends, so those are refused exactly regardless of timing.
 *
 * <p>Each entry is forgotten by {@link #forgetExpired} once its {@code until} plus the clock
 * skew the verifier tolerates has passed: by then every token it affects has expired anyway.
 *
 * <p>Session and user entries, which a client can multiply by logging in and out, are bounded:
 * at most {@code maxEntries} are held. Past it, the oldest one (in arrival order) is dropped, and
 * since its token may still be live, the list stays correct by refusing every token issued
 * before the dropped revocation's instant (rounded up like a user's) until the dropped entry
 * would itself have been forgotten. Tokens so refused are {@linkplain Check#ISSUED_TOO_EARLY too
 * old to vouch for}, not revoked: a client refreshes them, and the auth service, which holds
 * every revocation, decides. The list is then degraded (more refreshes), never permissive.
 * Key withdrawals are few, come from operators, and are never dropped: a leaked key can sign a
 * token with any {@code iat}.
 *
 * <p>Reads are lock-free and allocate nothing; with an empty list a check is one volatile
 * read. Writes come from the single feed subscription and are rare.
 *
 * <p>Whoever holds access granted earlier (an open WebSocket) can {@link #addListener listen}
 * for events: each listener hears every event once the list already refuses what it revokes.
 * Listeners cost nothing on the check.
 */
public final class RevocationList {

	private static final Log logger = LogFactory.getLog(RevocationList.class);

	/** The shipped bound ({@code portcullis.gateway.revocation.max-entries}), for callers that do not choose one. */
	public static final int DEFAULT_MAX_ENTRIES = 20_000;

	private final Map<String, Revoked> sessions = new ConcurrentHashMap<>();

	private final Map<String, Long> keys = new ConcurrentHashMap<>();

	private final Map<String, Revoked> users = new ConcurrentHashMap<>();

	/** Every session and user entry held, oldest first; guarded by this. */
	private final ArrayDeque<Held> arrivals = new ArrayDeque<>();

	private final long graceMillis;

	private final int maxEntries;

	/** Tokens issued before this are refused: the dropped entries' strictest instant. */
	private volatile long refusedIssuedBeforeMillis = Long.MIN_VALUE;

	/** When the floor may be lifted: the dropped entries' latest forget-after; guarded by this. */
	private long floorForgetAfterMillis = Long.MIN_VALUE;

	private volatile long dropped;

	private volatile boolean empty = true;

	private final List<Consumer<RevocationEvent>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Creates an empty list.
	 * @param grace how long past an entry's {@code until} it is kept: the verifier's clock
	 * skew, which lets a token live that long past its {@code exp}
	 */
	public RevocationList(Duration grace) {
		this(grace, DEFAULT_MAX_ENTRIES);
	}

	/**
	 * Creates an empty list.
	 * @param grace how long past an entry's {@code until} it is kept: the verifier's clock
	 * skew, which lets a token live that long past its {@code exp}
	 * @param maxEntries most session and user entries held
	 */
	public RevocationList(Duration grace, int maxEntries) {
		if (maxEntries <= 0) {
			throw new IllegalArgumentException("A revocation list holds at least one entry, got " + maxEntries);
		}
		this.graceMillis = grace.toMillis();
		this.maxEntries = maxEntries;
	}

	/**
	 * Whether a verified token has been revoked.
	 * @param userId the token's {@code sub}
	 * @param sessionId the token's {@code sid}
	 * @param keyId the {@code kid} of the key that signed it
	 * @param issuedAtMillis the token's {@code iat}, in epoch milliseconds
	 * @return true when the token must be refused
	 */
	public boolean revokes(String userId, String sessionId, String keyId, long issuedAtMillis) {
		return check(userId, sessionId, keyId, issuedAtMillis) != Check.PASSES;
	}

	/**
	 * What the list says of a verified token: the one decision behind {@link #revokes} and
	 * {@link #refusal}. A session that has ended wins over a withdrawn key (no refresh can help
	 * it, while a token of a withdrawn key only needs a new one), and both win over a token
	 * refused only because entries were dropped at the bound.
	 * @param userId the token's {@code sub}
	 * @param sessionId the token's {@code sid}
	 * @param keyId the {@code kid} of the key that signed it
	 * @param issuedAtMillis the token's {@code iat}, in epoch milliseconds
	 * @return the verdict
	 */
	public Check check(String userId, String sessionId, String keyId, long issuedAtMillis) {
		if (this.empty) {
			return Check.PASSES;
		}
		if (this.sessions.containsKey(sessionId)) {
			return Check.REVOKED;
		}
		Revoked notBefore = this.users.get(userId);
		if (notBefore != null && issuedAtMillis < notBefore.refusedBelowMillis()) {
			return Check.REVOKED;
		}
		if (this.keys.containsKey(keyId)) {
			return Check.KEY_WITHDRAWN;
		}
		return (issuedAtMillis < this.refusedIssuedBeforeMillis) ? Check.ISSUED_TOO_EARLY : Check.PASSES;
	}

	/**
	 * Why a verified token must be refused, as the code the client is answered with.
	 * @param userId the token's {@code sub}
	 * @param sessionId the token's {@code sid}
	 * @param keyId the {@code kid} of the key that signed it
	 * @param issuedAtMillis the token's {@code iat}, in epoch milliseconds
	 * @return null to let it through, {@link ErrorCodes#SESSION_REVOKED} when its session (or its
	 * user's tokens up to then) were revoked, {@link ErrorCodes#KEY_WITHDRAWN} when only its
	 * signing key was withdrawn, {@link ErrorCodes#TOKEN_EXPIRED} when it was issued before a
	 * revocation dropped at the bound (a refreshed token passes)
	 */
	public String refusal(String userId, String sessionId, String keyId, long issuedAtMillis) {
		return switch (check(userId, sessionId, keyId, issuedAtMillis)) {
			case PASSES -> null;
			case REVOKED -> ErrorCodes.SESSION_REVOKED;
			case KEY_WITHDRAWN -> ErrorCodes.KEY_WITHDRAWN;
			case ISSUED_TOO_EARLY -> ErrorCodes.TOKEN_EXPIRED;
		};
	}

	/**
	 * Whether the feed withdrew this key (and still remembers it): a token naming it that no
	 * longer verifies, because the key left the JWK Set too, was signed before the withdrawal.
	 * @param keyId a {@code kid}
	 * @return true for a withdrawn key
	 */
	public boolean withdrew(String keyId) {
		return !this.empty && keyId != null && this.keys.containsKey(keyId);
	}

	/**
	 * Adds one revocation, then tells the listeners.
	 * @param event the event as the feed delivered it
	 */
	public void apply(RevocationEvent event) {
		record(event);
		for (Consumer<RevocationEvent> listener : this.listeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				// the list is updated already; a failing listener must not make the feed replay
				logger.warn("A revocation listener failed on event " + event.id(), ex);
			}
		}
	}

	/**
	 * Calls {@code listener} with every event applied from now on, on the thread that applies
	 * it, after {@link #revokes} refuses what the event revokes. A listener must be quick and
	 * must not block: it runs on the feed's event loop.
	 * @param listener what to call
	 */
	public void addListener(Consumer<RevocationEvent> listener) {
		this.listeners.add(listener);
	}

	private synchronized void record(RevocationEvent event) {
		long forgetAfter = event.until() + this.graceMillis;
		Revoked revoked = new Revoked(refusedBelow(event.at()), forgetAfter);
		switch (event.kind()) {
			case RevocationEvent.SESSION -> hold(this.sessions, event.subject(), revoked);
			case RevocationEvent.KEY -> this.keys.merge(event.subject(), forgetAfter, Math::max);
			case RevocationEvent.USER -> hold(this.users, event.subject(), revoked);
			default -> throw new IllegalArgumentException("Unknown revocation kind " + event.kind());
		}
		this.empty = false;
	}

	private void hold(Map<String, Revoked> entries, String subject, Revoked revoked) {
		Revoked previous = entries.get(subject);
		entries.put(subject, (previous != null) ? previous.max(revoked) : revoked);
		if (previous != null) {
			return;
		}
		this.arrivals.addLast(new Held(entries, subject));
		if (this.arrivals.size() > this.maxEntries) {
			dropOldest();
		}
	}

	/**
	 * Drops the oldest session or user entry, raising the floor first so that no token it
	 * refused passes in the meantime.
	 */
	private void dropOldest() {
		Held oldest = this.arrivals.pollFirst();
		Revoked revoked = oldest.entries().get(oldest.subject());
		this.refusedIssuedBeforeMillis = Math.max(this.refusedIssuedBeforeMillis, revoked.refusedBelowMillis());
		this.floorForgetAfterMillis = Math.max(this.floorForgetAfterMillis, revoked.forgetAfterMillis());
		oldest.entries().remove(oldest.subject());
		this.dropped++;
		if (this.dropped == 1 || this.dropped % this.maxEntries == 0) {
			logger.warn("Revocation list full (" + this.maxEntries + " session and user entries): dropped " + this.dropped
					+ " so far; tokens issued before " + Instant.ofEpochMilli(this.refusedIssuedBeforeMillis)
					+ " are refused until their holders refresh. Raise portcullis.gateway.revocation.max-entries"
					+ " if this is ordinary traffic");
		}
	}

	/**
	 * Drops the entries whose {@code until}, plus the grace, has passed.
	 * @param nowMillis the current time, epoch milliseconds
	 * @return how many entries were dropped
	 */
	public synchronized int forgetExpired(long nowMillis) {
		int before = size();
		this.sessions.values().removeIf((revoked) -> revoked.forgetAfterMillis() < nowMillis);
		this.keys.values().removeIf((forgetAfter) -> forgetAfter < nowMillis);
		this.users.values().removeIf((revoked) -> revoked.forgetAfterMillis() < nowMillis);
		if (before != size()) {
			this.arrivals.removeIf((held) -> !held.entries().containsKey(held.subject()));
		}
		if (this.floorForgetAfterMillis < nowMillis) {
			// every token the dropped entries refused has expired: the floor protects nothing now
			this.refusedIssuedBeforeMillis = Long.MIN_VALUE;
		}
		this.empty = size() == 0 && this.refusedIssuedBeforeMillis == Long.MIN_VALUE;
		return before - size();
	}

	/**
	 * How many entries are held.
	 * @return sessions, users and keys together
	 */
	public int size() {
		return this.sessions.size() + this.keys.size() + this.users.size();
	}

	/**
	 * How many session and user entries were dropped at the bound since start-up.
	 * @return the count
	 */
	public long dropped() {
		return this.dropped;
	}

	/**
	 * Tokens issued before this instant are refused because entries were dropped at the bound.
	 * @return epoch milliseconds, or 0 while nothing dropped is still in force
	 */
	public long refusedIssuedBeforeMillis() {
		long floor = this.refusedIssuedBeforeMillis;
		return (floor == Long.MIN_VALUE) ? 0 : floor;
	}

	/** The first whole second after {@code at}: tokens whose {@code iat} is below it are refused. */
	static long refusedBelow(long atMillis) {
		return (Math.floorDiv(atMillis, 1000L) + 1) * 1000L;
	}

	/**
	 * What a list says of a token.
	 */
	public enum Check {

		/** Nothing held refuses it. */
		PASSES,

		/** A session or user revocation refuses it. */
		REVOKED,

		/** Only its signing key was withdrawn: a refreshed token passes. */
		KEY_WITHDRAWN,

		/**
		 * Issued before a revocation dropped at the bound: it may be revoked, so it is refused,
		 * and a refreshed token passes.
		 */
		ISSUED_TOO_EARLY

	}

	/**
	 * A session or user entry: tokens issued before {@code refusedBelowMillis} are refused (all
	 * of a session's are: it issues none after its end), until {@code forgetAfterMillis}.
	 */
	private record Revoked(long refusedBelowMillis, long forgetAfterMillis) {

		Revoked max(Revoked other) {
			return new Revoked(Math.max(this.refusedBelowMillis, other.refusedBelowMillis),
					Math.max(this.forgetAfterMillis, other.forgetAfterMillis));
		}

	}

	/** A session or user entry in arrival order. */
	private record Held(Map<String, Revoked> entries, String subject) {
	}

}
