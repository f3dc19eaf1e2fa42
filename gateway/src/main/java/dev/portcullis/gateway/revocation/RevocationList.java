package dev.portcullis.gateway.revocation;

import java.time.Duration;
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
 * <p>Reads are lock-free and allocate nothing; with an empty list a check is one volatile
 * read. Writes come from the single feed subscription and are rare.
 *
 * <p>Whoever holds access granted earlier (an open WebSocket) can {@link #addListener listen}
 * for events: each listener hears every event once the list already refuses what it revokes.
 * Listeners cost nothing on the check.
 */
public final class RevocationList {

	private static final Log logger = LogFactory.getLog(RevocationList.class);

	private final Map<String, Long> sessions = new ConcurrentHashMap<>();

	private final Map<String, Long> keys = new ConcurrentHashMap<>();

	private final Map<String, NotBefore> users = new ConcurrentHashMap<>();

	private final long graceMillis;

	private volatile boolean empty = true;

	private final List<Consumer<RevocationEvent>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Creates an empty list.
	 * @param grace how long past an entry's {@code until} it is kept: the verifier's clock
	 * skew, which lets a token live that long past its {@code exp}
	 */
	public RevocationList(Duration grace) {
		this.graceMillis = grace.toMillis();
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
		return refusal(userId, sessionId, keyId, issuedAtMillis) != null;
	}

	/**
	 * Why a verified token must be refused, if it must. A session that has ended wins over a
	 * withdrawn key: no refresh can help it, while a token of a withdrawn key only needs a new one.
	 * @param userId the token's {@code sub}
	 * @param sessionId the token's {@code sid}
	 * @param keyId the {@code kid} of the key that signed it
	 * @param issuedAtMillis the token's {@code iat}, in epoch milliseconds
	 * @return null to let it through, {@link ErrorCodes#SESSION_REVOKED} when its session (or its
	 * user's tokens up to then) were revoked, {@link ErrorCodes#KEY_WITHDRAWN} when only its
	 * signing key was withdrawn
	 */
	public String refusal(String userId, String sessionId, String keyId, long issuedAtMillis) {
		if (this.empty) {
			return null;
		}
		if (this.sessions.containsKey(sessionId)) {
			return ErrorCodes.SESSION_REVOKED;
		}
		NotBefore notBefore = this.users.get(userId);
		if (notBefore != null && issuedAtMillis < notBefore.refusedBelowMillis()) {
			return ErrorCodes.SESSION_REVOKED;
		}
		return this.keys.containsKey(keyId) ? ErrorCodes.KEY_WITHDRAWN : null;
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
		switch (event.kind()) {
			case RevocationEvent.SESSION -> this.sessions.merge(event.subject(), forgetAfter, Math::max);
			case RevocationEvent.KEY -> this.keys.merge(event.subject(), forgetAfter, Math::max);
			case RevocationEvent.USER -> this.users.merge(event.subject(),
					new NotBefore(refusedBelow(event.at()), forgetAfter), NotBefore::max);
			default -> throw new IllegalArgumentException("Unknown revocation kind " + event.kind());
		}
		this.empty = false;
	}

	/**
	 * Drops the entries whose {@code until}, plus the grace, has passed.
	 * @param nowMillis the current time, epoch milliseconds
	 * @return how many entries were dropped
	 */
	public synchronized int forgetExpired(long nowMillis) {
		int before = size();
		this.sessions.values().removeIf((forgetAfter) -> forgetAfter < nowMillis);
		this.keys.values().removeIf((forgetAfter) -> forgetAfter < nowMillis);
		this.users.values().removeIf((notBefore) -> notBefore.forgetAfterMillis() < nowMillis);
		this.empty = size() == 0;
		return before - size();
	}

	/**
	 * How many entries are held.
	 * @return sessions, users and keys together
	 */
	public int size() {
		return this.sessions.size() + this.keys.size() + this.users.size();
	}

	/** The first whole second after {@code at}: tokens whose {@code iat} is below it are refused. */
	static long refusedBelow(long atMillis) {
		return (Math.floorDiv(atMillis, 1000L) + 1) * 1000L;
	}

	private record NotBefore(long refusedBelowMillis, long forgetAfterMillis) {

		NotBefore max(NotBefore other) {
			return new NotBefore(Math.max(this.refusedBelowMillis, other.refusedBelowMillis),
					Math.max(this.forgetAfterMillis, other.forgetAfterMillis));
		}

	}

}
