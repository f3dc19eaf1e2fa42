package dev.portcullis.gateway.websocket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.security.VerifiedAccess;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

class OpenSocketsTests {

	private static final long NOW = Instant.parse("2026-01-15T10:00:00Z").toEpochMilli();

	private static final long EXP = NOW + 3_000;

	private static final Duration SKEW = Duration.ofSeconds(1);

	private final RevocationList revocations = new RevocationList(SKEW);

	private final OpenSockets sockets = new OpenSockets(this.revocations, SKEW, Duration.ofMillis(250),
			Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

	OpenSocketsTests() {
		this.revocations.addListener(this.sockets::revoked);
	}

	private static VerifiedAccess access(String user, String session) {
		return new VerifiedAccess(user, session, List.of("user"), "k1", NOW - 1_000, EXP);
	}

	private static void expectEnded(OpenSocket socket, CloseStatus status) {
		StepVerifier.create(socket.ended()).expectNext(status).verifyComplete();
	}

	private static void expectStillOpen(OpenSocket socket) {
		socket.finished();
		StepVerifier.create(socket.ended()).verifyComplete();
	}

	private void revoke(String kind, String subject) {
		this.revocations.apply(new RevocationEvent(1, kind, subject, NOW, NOW + 960_000));
	}

	@Test
	void sweepWhenTokenWithinClockSkewOfExpiryThenSocketKept() {
		OpenSocket socket = this.sockets.open(access("u1", "s1"));
		this.sockets.sweep(EXP + SKEW.toMillis() - 1);
		expectStillOpen(socket);
	}

	@Test
	void sweepWhenTokenExpiredThenEndedWithTokenExpiredAndOthersKept() {
		OpenSocket due = this.sockets.open(access("u1", "s1"));
		OpenSocket later = this.sockets.open(new VerifiedAccess("u2", "s2", List.of(), "k1", NOW, EXP + 60_000));
		this.sockets.sweep(EXP + SKEW.toMillis());
		expectEnded(due, new CloseStatus(4401, "token_expired"));
		expectStillOpen(later);
	}

	@Test
	void revokedWhenSessionRevokedThenOnlyThatSessionsSocketsEnded() {
		OpenSocket tab1 = this.sockets.open(access("u1", "s1"));
		OpenSocket tab2 = this.sockets.open(access("u1", "s1"));
		OpenSocket otherDevice = this.sockets.open(access("u1", "s2"));
		revoke(RevocationEvent.SESSION, "s1");
		expectEnded(tab1, OpenSockets.SESSION_REVOKED);
		expectEnded(tab2, new CloseStatus(4401, "session_revoked"));
		expectStillOpen(otherDevice);
	}

	@Test
	void revokedWhenUserLoggedOutEverywhereThenThatUsersSocketsEnded() {
		OpenSocket mine = this.sockets.open(access("u1", "s1"));
		OpenSocket theirs = this.sockets.open(access("u2", "s2"));
		revoke(RevocationEvent.USER, "u1");
		expectEnded(mine, OpenSockets.SESSION_REVOKED);
		expectStillOpen(theirs);
	}

	@Test
	void revokedWhenSigningKeyWithdrawnThenSocketsItOpenedEndedWithKeyWithdrawn() {
		OpenSocket socket = this.sockets.open(access("u1", "s1"));
		revoke(RevocationEvent.KEY, "k1");
		expectEnded(socket, OpenSockets.KEY_WITHDRAWN);
		assertThat(OpenSockets.KEY_WITHDRAWN).isEqualTo(new CloseStatus(4401, "key_withdrawn"));
	}

	@Test
	void openWhenRevokedSinceTheAccessCheckThenEndedAtOnce() {
		revoke(RevocationEvent.SESSION, "s1");
		expectEnded(this.sockets.open(access("u1", "s1")), OpenSockets.SESSION_REVOKED);
	}

	@Test
	void endWhenExpiredAndRevokedThenFirstReasonWins() {
		OpenSocket socket = this.sockets.open(access("u1", "s1"));
		this.sockets.sweep(EXP + SKEW.toMillis());
		revoke(RevocationEvent.SESSION, "s1");
		expectEnded(socket, OpenSockets.TOKEN_EXPIRED);
	}

	@Test
	void closedWhenSocketsEndThenNothingTracked() {
		OpenSocket first = this.sockets.open(access("u1", "s1"));
		OpenSocket second = this.sockets.open(access("u1", "s1"));
		assertThat(this.sockets.tracked()).isEqualTo(2);
		this.sockets.closed(first);
		this.sockets.closed(second);
		assertThat(this.sockets.tracked()).isZero();
		// a socket already forgotten is neither swept nor revoked
		this.sockets.sweep(EXP + 60_000);
		revoke(RevocationEvent.SESSION, "s1");
		expectStillOpen(first);
	}

}
