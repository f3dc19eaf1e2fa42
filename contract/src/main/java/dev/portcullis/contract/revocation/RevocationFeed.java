package dev.portcullis.contract.revocation;

/**
 * The revocation feed between the auth service and the gateways: a Server-Sent Events stream
 * ({@code text/event-stream}) that the auth service serves on {@link #PATH} and every gateway
 * holds open.
 *
 * <ul>
 * <li>The request is {@code GET} {@link #PATH}{@code ?}{@link #AFTER}{@code =<last id seen>}
 * {@code &}{@link #AFTER_AT}{@code =<that event's at>} with {@code Authorization: Bearer <feed
 * secret>}, the secret both apps are given as {@link #SECRET_PROPERTY}. Without it the answer is
 * 401. {@link #AFTER_AT} is optional; it lets the auth service tell that the id now names
 * another event.</li>
 * <li>The stream first replays every {@link RevocationEvent} with an id above {@code after}
 * that can still matter (its {@code until} has not passed), in id order, then sends new ones as
 * they happen. Ids are assigned in commit order, so a client that resumes after the highest id
 * it saw misses nothing.</li>
 * <li>Events named {@link #EVENT_REVOCATION} carry a {@link RevocationEvent} as JSON, with the
 * SSE {@code id:} field set to the event's id; events named {@link #EVENT_HEARTBEAT} carry a
 * {@link FeedHeartbeat} every few seconds, so a client knows the stream is alive and how far
 * it is behind.</li>
 * <li><b>Continuity.</b> Event ids go back when the auth service's database does (restored from
 * a backup, failed over to a lagging replica), and new events then reuse ids a client has
 * passed. Whenever the auth service sees that (an {@code after} above its highest id, an
 * {@link #AFTER_AT} that does not match its event with that id, or its own table going back
 * under an open stream), it sends an event named {@link #EVENT_RESYNC} (data: a
 * {@link FeedHeartbeat} with its highest id) and then replays everything it holds from the
 * start. A client drops its position at the resync: the events that follow are applied
 * whatever their ids. Revocations it already holds stay; each is forgotten at its
 * {@code until}.</li>
 * <li>Refusals are {@code application/problem+json} with a {@code code}: 401
 * {@code feed_unauthorized} for a missing or wrong secret, 503 {@code unavailable} while the
 * auth service is still loading its log (retry shortly), 400 {@code invalid_request} for an
 * {@code after} that is not a non-negative number or an {@code afterAt} that is not a number.</li>
 * <li>The stream ends when that auth-service replica stops; reconnect (to any replica) with
 * {@code after} = the last id seen.</li>
 * </ul>
 *
 * <p>The path is outside {@code /auth/**} and {@code /.well-known/**}, which the gateway
 * routes to the auth service, so the feed is never reachable through the gateway's routes.
 */
public final class RevocationFeed {

	public static final String PATH = "/internal/revocations";

	public static final String AFTER = "after";

	/** The {@code at} of the event {@link #AFTER} names, as the client applied it (epoch milliseconds). */
	public static final String AFTER_AT = "afterAt";

	public static final String EVENT_REVOCATION = "revocation";

	public static final String EVENT_HEARTBEAT = "heartbeat";

	/** The ids went back: drop the position; a replay from the start follows. */
	public static final String EVENT_RESYNC = "resync";

	/** The shared secret's property in both apps; environment {@code PORTCULLIS_FEED_SECRET}. */
	public static final String SECRET_PROPERTY = "portcullis.feed-secret";

	/** Shortest accepted secret, in characters. */
	public static final int MIN_SECRET_LENGTH = 32;

	private RevocationFeed() {
	}

	/**
	 * Checks the shared secret at start-up.
	 * @param secret the configured value
	 * @return the secret
	 * @throws IllegalArgumentException with a message that says what to set
	 */
	public static String requireSecret(String secret) {
		if (secret == null || secret.isBlank()) {
			throw new IllegalArgumentException(SECRET_PROPERTY + " is not set. Give the auth service and every gateway the same "
					+ "random string of at least " + MIN_SECRET_LENGTH + " characters (property " + SECRET_PROPERTY
					+ " or environment PORTCULLIS_FEED_SECRET), e.g. `openssl rand -base64 48`: it guards the revocation feed");
		}
		if (secret.length() < MIN_SECRET_LENGTH) {
			throw new IllegalArgumentException(SECRET_PROPERTY + " must be at least " + MIN_SECRET_LENGTH + " characters long");
		}
		return secret;
	}

}
