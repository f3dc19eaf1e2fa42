package dev.portcullis.gateway.revocation;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.contract.revocation.RevocationFeed;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.testsupport.MutableClock;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The feed client against a real SSE server on a loopback port.
 */
@ExtendWith(OutputCaptureExtension.class)
class RevocationFeedClientTests {

	private static final String USER = "6f1c2a4e-8b0d-4a53-9f6e-2c7d9b1e3a50";

	private static final String SESSION = "0b9e7c3d-5a14-4f28-8d61-e2f4a7c90b13";

	private static final String OTHER_SESSION = "1caf8d4e-6b25-4039-9e72-f3a5b8d01c24";

	private static final Duration HEARTBEAT = Duration.ofMillis(100);

	private final MutableClock clock = MutableClock.frozenAt(Instant.parse("2026-01-15T10:00:00Z"));

	private final RevocationList revocations = new RevocationList(Duration.ofSeconds(30));

	private FakeRevocationFeed feed;

	private RevocationFeedClient client;

	@AfterEach
	void tearDown() {
		if (this.client != null) {
			this.client.stop();
		}
		if (this.feed != null) {
			this.feed.close();
		}
	}

	private RevocationFeedClient start(URI uri, String secret, Duration staleAfter) {
		return start(uri, secret, new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(500)),
				staleAfter);
	}

	private RevocationFeedClient start(URI uri, String secret, ReconnectBackoff backoff, Duration staleAfter) {
		this.client = new RevocationFeedClient(WebClient.builder().build(), uri, secret, this.revocations,
				new RevocationFeedClient.Settings(backoff, staleAfter), this.clock);
		this.client.start();
		return this.client;
	}

	private RevocationFeedClient start(Duration staleAfter) {
		return start(this.feed.uri(), FakeRevocationFeed.SECRET, staleAfter);
	}

	private long now() {
		return this.clock.millis();
	}

	private RevocationEvent revokeSession(String session) {
		return this.feed.revoke(RevocationEvent.SESSION, session, now(), now() + 960_000);
	}

	private boolean revoked(String session) {
		return this.revocations.revokes(USER, session, "k1", now());
	}

	private void awaitConnected() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.status().connected() && this.feed.openStreams() == 1);
	}

	@Test
	void followWhenEventsHeldThenSendsSecretAndAppliesCatchUp() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		revokeSession(SESSION);
		this.feed.revoke(RevocationEvent.USER, USER, now(), now() + 960_000);
		start(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.status().lastEventId() == 2);
		assertThat(revoked(SESSION)).isTrue();
		assertThat(this.revocations.revokes(USER, OTHER_SESSION, "k1", now() - 1000)).as("user not-before").isTrue();
		FakeRevocationFeed.Request request = this.feed.requests().get(0);
		assertThat(request.authorization()).isEqualTo("Bearer " + FakeRevocationFeed.SECRET);
		assertThat(request.accept()).contains("text/event-stream");
		assertThat(request.after()).isEqualTo("0");
	}

	@Test
	void followWhenEventPublishedThenAppliedWhileConnected() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		start(Duration.ofSeconds(5));
		awaitConnected();
		assertThat(revoked(SESSION)).isFalse();
		revokeSession(SESSION);
		await().atMost(Duration.ofSeconds(1)).until(() -> revoked(SESSION));
		assertThat(revoked(OTHER_SESSION)).isFalse();
		assertThat(this.feed.requests()).hasSize(1);
	}

	@Test
	void followWhenServerDropsConnectionThenResumesAfterLastId() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		revokeSession(SESSION);
		revokeSession(OTHER_SESSION);
		start(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.status().lastEventId() == 2);
		this.feed.dropConnections();
		await().atMost(Duration.ofSeconds(2)).until(() -> this.feed.requests().size() == 2);
		assertThat(this.feed.requests().get(1).after()).isEqualTo("2");
		awaitConnected();
		RevocationEvent third = this.feed.revoke(RevocationEvent.KEY, "k1", now(), now() + 960_000);
		await().atMost(Duration.ofSeconds(1)).until(() -> this.client.status().lastEventId() == third.id());
		assertThat(this.revocations.size()).isEqualTo(3);
	}

	@Test
	void followWhenServerComesBackThenRevocationEnforcedWithinOneSecond() throws InterruptedException {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		start(Duration.ofSeconds(5));
		awaitConnected();
		this.feed.stop();
		await().atMost(Duration.ofSeconds(2)).until(() -> !this.client.status().connected());
		// long enough for the back-off to reach its cap
		Thread.sleep(1500);
		revokeSession(SESSION);
		long restarted = System.nanoTime();
		this.feed.start();
		await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> revoked(SESSION));
		assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(1));
	}

	/**
	 * The shipped schedule (250 ms doubling to 30 s after refusals, 1 s while unreachable) scaled
	 * down ten times, against a feed that answers 404 for 3 s: ReconnectBackoffTests checks the
	 * same bound on the shipped figures over 30 s.
	 */
	@Test
	void followWhenFeedAnswers404ThenBacksOffAndConnectsWithinTheCapOnceItServes(CapturedOutput output)
			throws InterruptedException {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		this.feed.refuseWith(HttpResponseStatus.NOT_FOUND);
		revokeSession(SESSION);
		Duration refusedCap = Duration.ofSeconds(3);
		start(this.feed.uri(), FakeRevocationFeed.SECRET,
				new ReconnectBackoff(Duration.ofMillis(25), refusedCap, Duration.ofMillis(100)), Duration.ofSeconds(5));
		RevocationFeedHealthIndicator health = new RevocationFeedHealthIndicator(this.client);
		await().atMost(Duration.ofSeconds(1)).until(() -> this.client.status().failedAttempts() >= 3);
		Map<String, Object> refused = health.health().getDetails();
		assertThat(refused).containsEntry("connected", false);
		assertThat((int) refused.get("failedAttempts")).isGreaterThanOrEqualTo(3);
		assertThat((long) refused.get("backoffMillis")).isPositive().isLessThanOrEqualTo(refusedCap.toMillis());
		Thread.sleep(3000);
		// 7 or 8 by the schedule; without a back-off (100-500 ms apart) it was 6 to 30
		assertThat(this.feed.requests().size()).isBetween(5, 10);
		assertThat(output.getOut()).containsOnlyOnce("is not there").contains("feed-uri");
		this.feed.refuseWith(null);
		long serving = System.nanoTime();
		await().atMost(refusedCap.plusSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> revoked(SESSION));
		assertThat(Duration.ofNanos(System.nanoTime() - serving)).isLessThanOrEqualTo(refusedCap.plusMillis(500));
		// the first heartbeat resets the back-off
		await().atMost(Duration.ofSeconds(1)).until(() -> this.client.status().failedAttempts() == 0);
		assertThat(health.health().getDetails()).containsEntry("connected", true)
			.containsEntry("failedAttempts", 0)
			.containsEntry("backoffMillis", 0L);
	}

	@Test
	void followWhenIdsGoBackUnderAnOpenStreamThenResyncsAndAppliesReusedIds() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		revokeSession(SESSION);
		revokeSession("5d0f1b2c-3a4e-4f50-8a61-7b8c9d0e1f23");
		this.feed.revoke(RevocationEvent.KEY, "k9", now(), now() + 960_000);
		start(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.status().lastEventId() == 3);
		// a restored database: only id 1 survives, and the next event is numbered 2 again
		this.feed.rewindTo(1);
		RevocationEvent reused = revokeSession(OTHER_SESSION);
		assertThat(reused.id()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(2)).until(() -> revoked(OTHER_SESSION));
		assertThat(this.client.status().lastEventId()).isEqualTo(2);
		assertThat(revoked(SESSION)).isTrue();
		assertThat(this.revocations.revokes(USER, OTHER_SESSION, "k9", now())).as("held from before, kept").isTrue();
		assertThat(this.feed.requests()).as("resynced on the open stream").hasSize(1);
	}

	@Test
	void followWhenIdsWentBackWhileDisconnectedThenResyncsFromTheStart(CapturedOutput output) {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		revokeSession(SESSION);
		revokeSession("5d0f1b2c-3a4e-4f50-8a61-7b8c9d0e1f23");
		this.feed.revoke(RevocationEvent.KEY, "k9", now(), now() + 960_000);
		start(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.status().lastEventId() == 3);
		this.feed.stop();
		this.feed.rewindTo(1);
		RevocationEvent reused = revokeSession(OTHER_SESSION);
		this.feed.start();
		await().atMost(Duration.ofSeconds(3)).until(() -> revoked(OTHER_SESSION));
		assertThat(reused.id()).isEqualTo(2);
		assertThat(this.feed.requests().get(this.feed.requests().size() - 1).after()).isEqualTo("3");
		assertThat(this.client.status().lastEventId()).isEqualTo(2);
		assertThat(output.getOut()).contains("went back (id 3 applied here, last id 2 there");
	}

	@Test
	void followWhenIdsWentBackAndGrewPastThePositionWhileDisconnectedThenResyncsByTheEventsAt() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		revokeSession(SESSION);
		this.clock.advance(Duration.ofSeconds(1));
		RevocationEvent second = revokeSession("5d0f1b2c-3a4e-4f50-8a61-7b8c9d0e1f23");
		start(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.status().lastEventId() == 2);
		this.feed.stop();
		// id 2 is lost with the restore, then reused, and the counter passes the gateway's position
		this.feed.rewindTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		revokeSession(OTHER_SESSION);
		this.feed.revoke(RevocationEvent.KEY, "k9", now(), now() + 960_000);
		this.feed.start();
		await().atMost(Duration.ofSeconds(3)).until(() -> revoked(OTHER_SESSION));
		FakeRevocationFeed.Request resumed = this.feed.requests().get(this.feed.requests().size() - 1);
		assertThat(resumed.after()).isEqualTo("2");
		assertThat(resumed.afterAt()).isEqualTo(Long.toString(second.at()));
		assertThat(this.client.status().lastEventId()).isEqualTo(3);
	}

	@Test
	void followWhenHeartbeatsKeepComingThenOneFreshConnection() throws InterruptedException {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		start(Duration.ofMillis(400));
		awaitConnected();
		Thread.sleep(1200);
		RevocationFeedClient.FeedStatus status = this.client.status();
		assertThat(status.connected()).isTrue();
		assertThat(status.stale()).isFalse();
		assertThat(status.sinceLastHeard()).isLessThan(Duration.ofMillis(400));
		assertThat(this.feed.requests()).hasSize(1);
	}

	@Test
	void followWhenFeedSilentBeyondStaleAfterThenReconnectsFromLastId() {
		this.feed = new FakeRevocationFeed(null);
		revokeSession(SESSION);
		start(Duration.ofMillis(300));
		await().atMost(Duration.ofSeconds(3)).until(() -> revoked(SESSION));
		int connections = this.feed.requests().size();
		// the silence that follows the catch-up is a dead stream: reconnect, resuming after it
		await().atMost(Duration.ofSeconds(3)).until(() -> this.feed.requests().size() > connections);
		assertThat(this.feed.requests().get(0).after()).isEqualTo("0");
		assertThat(this.feed.requests().get(connections).after()).isEqualTo("1");
	}

	@Test
	void healthWhenFeedUnreachableThenUpWithStaleDetails(CapturedOutput output) throws InterruptedException {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		revokeSession(SESSION);
		start(Duration.ofMillis(500));
		RevocationFeedHealthIndicator health = new RevocationFeedHealthIndicator(this.client);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.status().lastEventId() == 1);
		assertThat(health.health().getDetails()).containsEntry("connected", true)
			.containsEntry("stale", false)
			.containsEntry("lastEventId", 1L);
		this.feed.stop();
		await().atMost(Duration.ofSeconds(3)).until(() -> this.client.status().stale());
		// several failed attempts while stale
		Thread.sleep(1500);
		Health stale = health.health();
		assertThat(stale.getStatus()).isEqualTo(Status.UP);
		assertThat(stale.getDetails()).containsEntry("connected", false)
			.containsEntry("stale", true)
			.containsEntry("lastEventId", 1L)
			.containsEntry("revocations", 1)
			.containsKey("secondsSinceLastHeard");
		assertThat(revoked(SESSION)).as("what is known keeps being enforced").isTrue();
		assertThat(output.getOut()).containsOnlyOnce("Lost the revocation feed")
			.containsOnlyOnce("has not been heard from")
			.doesNotContain(FakeRevocationFeed.SECRET);
		this.feed.start();
		await().atMost(Duration.ofSeconds(2)).until(() -> !this.client.status().stale());
		await().atMost(Duration.ofSeconds(1)).until(() -> output.getOut().contains("is back after"));
	}

	@Test
	void followWhenSecretRefusedThenNeverConnectedAndKeepsTrying(CapturedOutput output) {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		revokeSession(SESSION);
		String wrong = "not-the-secret-not-the-secret-not-the";
		start(this.feed.uri(), wrong, Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(3)).until(() -> this.feed.requests().size() >= 3);
		assertThat(this.client.status().connected()).isFalse();
		assertThat(revoked(SESSION)).isFalse();
		assertThat(output.getOut()).containsOnlyOnce("refused this gateway's feed secret").doesNotContain(wrong);
	}

	@Test
	void followWhenUriIsNotAFeedThenNeverConnected() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		start(URI.create(this.feed.uri().resolve("/.well-known/jwks.json").toString()), FakeRevocationFeed.SECRET,
				Duration.ofSeconds(5));
		await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
			.until(() -> !this.client.status().connected());
		assertThat(this.client.isRunning()).isTrue();
	}

	@Test
	void followWhenEventUnreadableThenSkippedAndLaterEventsApplied() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		start(Duration.ofSeconds(5));
		awaitConnected();
		this.feed.sendRaw(RevocationFeed.EVENT_REVOCATION, "{not json");
		this.feed.sendRaw(RevocationFeed.EVENT_REVOCATION,
				"{\"id\":99,\"kind\":\"tenant\",\"subject\":\"t1\",\"at\":1,\"until\":2}");
		revokeSession(SESSION);
		await().atMost(Duration.ofSeconds(1)).until(() -> revoked(SESSION));
		assertThat(this.feed.requests()).as("no reconnection").hasSize(1);
		assertThat(this.client.status().lastEventId()).isEqualTo(1);
	}

	@Test
	void heartbeatWhenEntriesOutlivedTheirUntilThenForgotten() {
		this.feed = new FakeRevocationFeed(HEARTBEAT);
		start(Duration.ofSeconds(5));
		awaitConnected();
		this.feed.revoke(RevocationEvent.SESSION, SESSION, now(), now() + 60_000);
		await().atMost(Duration.ofSeconds(1)).until(() -> revoked(SESSION));
		this.clock.advance(Duration.ofSeconds(60 + 30 + 1));
		await().atMost(Duration.ofSeconds(1)).until(() -> this.revocations.size() == 0);
		assertThat(revoked(SESSION)).isFalse();
	}

}
