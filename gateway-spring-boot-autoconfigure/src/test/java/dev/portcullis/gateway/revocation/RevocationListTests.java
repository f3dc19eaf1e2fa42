package dev.portcullis.gateway.revocation;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.portcullis.contract.revocation.RevocationEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RevocationListTests {

	private static final String USER = "6f1c2a4e-8b0d-4a53-9f6e-2c7d9b1e3a50";

	private static final String OTHER_USER = "7a2d3b5f-9c1e-4b64-8f7a-3d8e0c2f4b61";

	private static final String SESSION = "0b9e7c3d-5a14-4f28-8d61-e2f4a7c90b13";

	private static final String OTHER_SESSION = "1caf8d4e-6b25-4039-9e72-f3a5b8d01c24";

	private static final long AT = Instant.parse("2026-01-15T10:00:00.400Z").toEpochMilli();

	private static final long UNTIL = AT + Duration.ofMinutes(16).toMillis();

	private static final long GRACE = 30_000;

	private final RevocationList list = new RevocationList(Duration.ofMillis(GRACE));

	private static RevocationEvent event(String kind, String subject) {
		return new RevocationEvent(1, kind, subject, AT, UNTIL);
	}

	/** A token as the verifier reports it: {@code iat} in whole seconds. */
	private boolean revokes(String user, String session, String kid, String issuedAt) {
		return this.list.revokes(user, session, kid, Instant.parse(issuedAt).toEpochMilli());
	}

	@Test
	void revokesWhenEmptyThenNothingRevoked() {
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T09:59:00Z")).isFalse();
		assertThat(this.list.size()).isZero();
	}

	@Test
	void revokesWhenSessionRevokedThenEveryTokenOfThatSessionOnly() {
		this.list.apply(event(RevocationEvent.SESSION, SESSION));
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T09:59:00Z")).isTrue();
		// a session revocation is not a "not before": later tokens of that session stay refused
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T10:05:00Z")).isTrue();
		assertThat(revokes(USER, OTHER_SESSION, "k1", "2026-01-15T09:59:00Z")).isFalse();
	}

	@Test
	void revokesWhenUserNotBeforeThenEarlierTokensOfThatUserOnly() {
		this.list.apply(event(RevocationEvent.USER, USER));
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T09:59:59Z")).isTrue();
		assertThat(revokes(USER, OTHER_SESSION, "k1", "2026-01-15T10:00:01Z")).isFalse();
		assertThat(revokes(OTHER_USER, SESSION, "k1", "2026-01-15T09:59:59Z")).isFalse();
	}

	@Test
	void revokesWhenTokenIssuedInSameSecondAsUserNotBeforeThenRevoked() {
		// AT is 10:00:00.400; a token minted at 10:00:00.300 carries iat 10:00:00
		this.list.apply(event(RevocationEvent.USER, USER));
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T10:00:00Z")).isTrue();
	}

	@Test
	void revokesWhenUserNotBeforeOnWholeSecondThenThatSecondStillRevoked() {
		long at = Instant.parse("2026-01-15T10:00:00Z").toEpochMilli();
		this.list.apply(new RevocationEvent(1, RevocationEvent.USER, USER, at, UNTIL));
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T10:00:00Z")).isTrue();
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T10:00:01Z")).isFalse();
	}

	@Test
	void applyWhenUserRevokedTwiceThenLaterNotBeforeWins() {
		this.list.apply(new RevocationEvent(1, RevocationEvent.USER, USER, AT + 60_000, UNTIL + 60_000));
		this.list.apply(event(RevocationEvent.USER, USER));
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T10:00:30Z")).isTrue();
		this.list.forgetExpired(UNTIL + GRACE + 1);
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T10:00:30Z")).as("kept until the later until").isTrue();
	}

	@Test
	void refusalWhenOnlyKeyWithdrawnThenKeyWithdrawnAndWhenSessionAlsoEndedThenSessionRevoked() {
		this.list.apply(event(RevocationEvent.KEY, "k1"));
		long issuedAt = Instant.parse("2026-01-15T09:59:00Z").toEpochMilli();
		assertThat(this.list.refusal(USER, SESSION, "k1", issuedAt)).isEqualTo("key_withdrawn");
		assertThat(this.list.refusal(USER, SESSION, "k2", issuedAt)).isNull();
		assertThat(this.list.withdrew("k1")).isTrue();
		assertThat(this.list.withdrew("k2")).isFalse();
		assertThat(this.list.withdrew(null)).isFalse();
		this.list.apply(event(RevocationEvent.SESSION, SESSION));
		assertThat(this.list.refusal(USER, SESSION, "k1", issuedAt)).isEqualTo("session_revoked");
		this.list.apply(event(RevocationEvent.USER, OTHER_USER));
		assertThat(this.list.refusal(OTHER_USER, OTHER_SESSION, "k1", issuedAt)).isEqualTo("session_revoked");
	}

	@Test
	void revokesWhenKeyWithdrawnThenEveryTokenItSigned() {
		this.list.apply(event(RevocationEvent.KEY, "k1"));
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T10:05:00Z")).isTrue();
		assertThat(revokes(OTHER_USER, OTHER_SESSION, "k1", "2026-01-15T09:00:00Z")).isTrue();
		assertThat(revokes(USER, SESSION, "k2", "2026-01-15T09:59:00Z")).isFalse();
	}

	@Test
	void forgetExpiredWhenUntilAndGracePassedThenEntriesForgotten() {
		this.list.apply(event(RevocationEvent.SESSION, SESSION));
		this.list.apply(event(RevocationEvent.USER, USER));
		this.list.apply(event(RevocationEvent.KEY, "k1"));
		assertThat(this.list.forgetExpired(UNTIL + GRACE)).as("kept through the clock skew").isZero();
		assertThat(this.list.size()).isEqualTo(3);
		assertThat(this.list.forgetExpired(UNTIL + GRACE + 1)).isEqualTo(3);
		assertThat(this.list.size()).isZero();
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T09:59:00Z")).isFalse();
	}

	@Test
	void forgetExpiredWhenSomeStillMatterThenOnlyExpiredForgotten() {
		this.list.apply(event(RevocationEvent.SESSION, SESSION));
		this.list.apply(new RevocationEvent(2, RevocationEvent.SESSION, OTHER_SESSION, AT, UNTIL + 60_000));
		assertThat(this.list.forgetExpired(UNTIL + GRACE + 1)).isEqualTo(1);
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T09:59:00Z")).isFalse();
		assertThat(revokes(USER, OTHER_SESSION, "k1", "2026-01-15T09:59:00Z")).isTrue();
	}

	@Test
	void applyWhenListenerAddedThenHearsEachLaterEventOnceTheListRefusesIt() {
		List<String> heard = new ArrayList<>();
		this.list.apply(event(RevocationEvent.SESSION, OTHER_SESSION));
		this.list.addListener((event) -> heard.add(event.subject() + " refused="
				+ revokes(USER, event.subject(), "k1", "2026-01-15T09:59:00Z")));
		this.list.apply(event(RevocationEvent.SESSION, SESSION));
		assertThat(heard).containsExactly(SESSION + " refused=true");
	}

	@Test
	void applyWhenListenerFailsThenListUpdatedAndOtherListenersStillHear() {
		List<RevocationEvent> heard = new ArrayList<>();
		this.list.addListener((event) -> {
			throw new IllegalStateException("broken listener");
		});
		this.list.addListener(heard::add);
		this.list.apply(event(RevocationEvent.KEY, "k1"));
		assertThat(heard).hasSize(1);
		assertThat(revokes(USER, SESSION, "k1", "2026-01-15T09:59:00Z")).isTrue();
	}

	private static RevocationEvent session(long id, String subject, long atMillis) {
		return new RevocationEvent(id, RevocationEvent.SESSION, subject, atMillis, atMillis + Duration.ofMinutes(16).toMillis());
	}

	private static String sessionId(int i) {
		return new UUID(0, i).toString();
	}

	@Test
	void applyWhenPastMaxEntriesThenOldestDroppedAndTokensIssuedBeforeItRefusedToRefresh() {
		RevocationList bounded = new RevocationList(Duration.ofMillis(GRACE), 3);
		for (int i = 1; i <= 4; i++) {
			bounded.apply(session(i, sessionId(i), AT + i * 1000L));
		}
		assertThat(bounded.size()).isEqualTo(3);
		assertThat(bounded.dropped()).isEqualTo(1);
		assertThat(bounded.refusedIssuedBeforeMillis()).isEqualTo(RevocationList.refusedBelow(AT + 1000));
		// the dropped session's token is still refused, not as revoked but as too old
		assertThat(bounded.check(USER, sessionId(1), "k1", AT)).isEqualTo(RevocationList.Check.ISSUED_TOO_EARLY);
		for (int i = 2; i <= 4; i++) {
			assertThat(bounded.check(USER, sessionId(i), "k1", AT)).isEqualTo(RevocationList.Check.REVOKED);
		}
		// another session's token issued after the dropped revocation is untouched
		assertThat(bounded.check(USER, OTHER_SESSION, "k1", RevocationList.refusedBelow(AT + 1000)))
			.isEqualTo(RevocationList.Check.PASSES);
	}

	@Test
	void applyWhenFloodOfRevocationsThenEntriesBoundedAndNoRevokedTokenPasses() {
		RevocationList bounded = new RevocationList(Duration.ofMillis(GRACE), 100);
		for (int i = 0; i < 10_000; i++) {
			long at = AT + i * 10L;
			bounded.apply(session(i + 1, sessionId(i), at));
			bounded.apply(new RevocationEvent(i + 1, RevocationEvent.USER, new UUID(1, i).toString(), at, at + 960_000));
			assertThat(bounded.size()).isLessThanOrEqualTo(100);
		}
		for (int i = 0; i < 10_000; i++) {
			// the latest token each revocation refused: issued in the revocation's second (iat truncated)
			long iat = Math.floorDiv(AT + i * 10L, 1000L) * 1000L;
			assertThat(bounded.revokes(USER, sessionId(i), "k1", iat)).as("session %d", i).isTrue();
			assertThat(bounded.revokes(new UUID(1, i).toString(), OTHER_SESSION, "k1", iat)).as("user %d", i).isTrue();
		}
		assertThat(bounded.dropped()).isEqualTo(20_000 - 100);
	}

	@Test
	void applyWhenPastMaxEntriesThenWithdrawnKeyNeverDropped() {
		RevocationList bounded = new RevocationList(Duration.ofMillis(GRACE), 2);
		bounded.apply(event(RevocationEvent.KEY, "k1"));
		for (int i = 1; i <= 5; i++) {
			bounded.apply(session(i, sessionId(i), AT + i * 1000L));
		}
		// a leaked key can sign any iat: its withdrawal must hold whatever the floor
		assertThat(bounded.check(USER, OTHER_SESSION, "k1", AT + 3_600_000)).isEqualTo(RevocationList.Check.KEY_WITHDRAWN);
		assertThat(bounded.size()).isEqualTo(3);
	}

	@Test
	void forgetExpiredWhenDroppedEntriesWouldHaveExpiredThenFloorLifted() {
		RevocationList bounded = new RevocationList(Duration.ofMillis(GRACE), 1);
		bounded.apply(session(1, SESSION, AT));
		bounded.apply(session(2, OTHER_SESSION, AT + 120_000));
		long forgetFirst = AT + Duration.ofMinutes(16).toMillis() + GRACE;
		bounded.forgetExpired(forgetFirst);
		assertThat(bounded.check(USER, SESSION, "k1", AT)).as("still within its life").isEqualTo(RevocationList.Check.ISSUED_TOO_EARLY);
		bounded.forgetExpired(forgetFirst + 1);
		assertThat(bounded.refusedIssuedBeforeMillis()).isZero();
		assertThat(bounded.check(USER, SESSION, "k1", AT)).isEqualTo(RevocationList.Check.PASSES);
		assertThat(bounded.check(USER, OTHER_SESSION, "k1", AT)).isEqualTo(RevocationList.Check.REVOKED);
	}

	@Test
	void applyWhenDefaultMaxEntriesHeldThenUnderFiveMegabytes() {
		RevocationList full = new RevocationList(Duration.ofMillis(GRACE));
		long before = usedHeapAfterGc();
		for (int i = 0; i < RevocationList.DEFAULT_MAX_ENTRIES; i++) {
			// as the feed delivers them: subjects are fresh strings, UUIDs of 36 characters
			full.apply(session(i + 1, UUID.randomUUID().toString(), AT));
		}
		long retained = usedHeapAfterGc() - before;
		System.out.printf("revocation list: %d entries retain %d bytes (%d an entry)%n", full.size(), retained,
				retained / full.size());
		assertThat(full.size()).isEqualTo(RevocationList.DEFAULT_MAX_ENTRIES);
		assertThat(retained).isLessThan(5L << 20);
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
