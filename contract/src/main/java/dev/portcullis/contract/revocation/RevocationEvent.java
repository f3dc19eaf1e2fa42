package dev.portcullis.contract.revocation;

/**
 * One ended grant of access, as the feed carries it (JSON: the record's members by name).
 *
 * @param id position in the feed: assigned in commit order, strictly increasing
 * @param kind {@link #SESSION}, {@link #USER} or {@link #KEY}
 * @param subject the session id, the user id or the key id
 * @param at when it happened, epoch milliseconds: for {@link #USER}, tokens issued before this
 * instant are refused. A JWT {@code iat} is in whole seconds (truncated), so refuse a token when
 * {@code iat * 1000 < at}: that catches every token issued before {@code at}, at the cost of
 * also refusing one issued later in the same second (the client's next refresh replaces it)
 * @param until epoch milliseconds after which no token it affects can still be valid (the
 * access-token lifetime plus clock margin); a client may forget the event then
 */
public record RevocationEvent(long id, String kind, String subject, long at, long until) {

	/** Every token of one session ({@code sid}). */
	public static final String SESSION = "session";

	/** Every token of one user ({@code sub}) issued before {@code at}. */
	public static final String USER = "user";

	/** Every token signed by one key ({@code kid}): a withdrawn signing key. */
	public static final String KEY = "key";

	public RevocationEvent {
		if (!SESSION.equals(kind) && !USER.equals(kind) && !KEY.equals(kind)) {
			throw new IllegalArgumentException("Unknown revocation kind " + kind);
		}
		if (subject == null || subject.isEmpty()) {
			throw new IllegalArgumentException("A revocation names what it revokes");
		}
	}

}
