package dev.portcullis.auth.revocation;

import java.time.Instant;
import java.util.UUID;

import dev.portcullis.contract.revocation.RevocationEvent;

/** Something that just ended access, before it has its place in the feed. */
public record Revocation(String kind, String subject, Instant at) {

	/** Every token of one session. */
	public static Revocation session(UUID sessionId, Instant at) {
		return new Revocation(RevocationEvent.SESSION, sessionId.toString(), at);
	}

	/** Every token of one user issued before {@code at}. */
	public static Revocation user(UUID userId, Instant at) {
		return new Revocation(RevocationEvent.USER, userId.toString(), at);
	}

	/** Every token signed by one key. */
	public static Revocation key(String kid, Instant at) {
		return new Revocation(RevocationEvent.KEY, kid, at);
	}

}
