package dev.portcullis.gateway.revocation;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import dev.portcullis.contract.revocation.FeedHeartbeat;
import dev.portcullis.contract.revocation.RevocationEvent;
import dev.portcullis.contract.revocation.RevocationFeed;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Follows the auth service's revocation feed ({@link RevocationFeed}: Server-Sent Events)
 * with a non-blocking client and applies its events, in order, to the {@link RevocationList}.
 *
 * <p>The stream is held open for as long as the gateway runs. When it fails, ends, or stays
 * silent for longer than {@code staleAfter} (three heartbeats missed), it is opened again after
 * a {@link ReconnectBackoff back-off}, asking for the events after the highest id applied: the
 * auth service replays what was missed. The back-off grows to a short cap while the auth service
 * is unreachable, so revocations are enforced soon after it is back, and to a long one when the
 * feed refuses (404, 401), so a misconfigured gateway does not hammer it; it starts again from
 * the shortest once a stream delivers something. Meanwhile the gateway keeps enforcing what it
 * knows; staleness is logged once and reported by {@link RevocationFeedHealthIndicator}.
 *
 * <p>Each request also names the {@code at} of the last event applied, so the auth service can
 * tell when that id now names another event. When the feed's ids went back (its database was
 * restored, or failed over to a lagging replica) it sends a {@link RevocationFeed#EVENT_RESYNC}:
 * the gateway drops its position and applies the replay from the start that follows, so new
 * events that reuse old ids are not skipped.
 */
class RevocationFeedClient implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RevocationFeedClient.class);

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private final WebClient client;

	private final URI uri;

	private final String secret;

	private final RevocationList revocations;

	private final Settings settings;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder()
		// the auth service may add members; this gateway must keep reading
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	/** Written only by the feed subscription, which is sequential. */
	private volatile long lastEventId;

	/** The {@code at} of the event {@link #lastEventId} names; 0 with it. */
	private volatile long lastEventAt;

	private volatile boolean connected;

	private volatile long lastHeardNanos = System.nanoTime();

	private volatile boolean staleReported;

	private volatile boolean failureReported;

	private volatile Throwable lastFailure;

	/** Attempts failed in a row; written only by the feed subscription, reset by a stream that delivers. */
	private volatile int failedAttempts;

	/** The wait before the attempt under way or due; zero once a stream delivers. */
	private volatile Duration backoff = Duration.ZERO;

	/** How late the newest event applied was: applied minus its {@code at}, in milliseconds. */
	private volatile long newestEventLagMillis;

	private volatile Disposable subscription;

	public RevocationFeedClient(WebClient client, URI uri, String secret, RevocationList revocations,
			Settings settings, Clock clock) {
		this.client = client;
		this.uri = uri;
		this.secret = secret;
		this.revocations = revocations;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * The feed as this gateway sees it now.
	 * @return connection, progress and staleness
	 */
	public FeedStatus status() {
		Duration silent = Duration.ofNanos(System.nanoTime() - this.lastHeardNanos);
		return new FeedStatus(this.connected, this.lastEventId, silent, silent.compareTo(this.settings.staleAfter()) >= 0,
				this.revocations.size(), this.failedAttempts, this.backoff);
	}

	/**
	 * How long after the auth service revoked it the newest event applied here took effect:
	 * the propagation delay, which a feed outage makes as long as the outage.
	 * @return seconds; 0 until an event is applied
	 */
	public double newestEventLagSeconds() {
		return this.newestEventLagMillis / 1000.0;
	}

	/**
	 * Follows the feed until cancelled, reconnecting after every failure.
	 * @return completion only on cancellation
	 */
	Mono<Void> follow() {
		Retry reconnect = Retry.from((failures) -> failures.concatMap((failure) -> Mono.delay(nextDelay(failure.failure()))));
		return Flux.defer(this::connect)
			.timeout(this.settings.staleAfter())
			.doOnNext(this::receive)
			// the stream is meant to last: its end is a failure to recover from like any other
			.concatWith(Mono.error(FeedEndedException::new))
			.doOnError(this::disconnected)
			.retryWhen(reconnect)
			.then();
	}

	private Duration nextDelay(Throwable failure) {
		int attempts = this.failedAttempts + 1;
		this.failedAttempts = attempts;
		Duration delay = this.settings.backoff()
			.delay(attempts, ReconnectBackoff.failureOf(failure), ThreadLocalRandom.current().nextDouble());
		this.backoff = delay;
		return delay;
	}

	private Flux<ServerSentEvent<String>> connect() {
		long after = this.lastEventId;
		UriComponentsBuilder request = UriComponentsBuilder.fromUri(this.uri).replaceQueryParam(RevocationFeed.AFTER, after);
		if (after > 0) {
			request.replaceQueryParam(RevocationFeed.AFTER_AT, this.lastEventAt);
		}
		return this.client.get()
			.uri(request.build(true).toUri())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers((headers) -> headers.setBearerAuth(this.secret))
			.exchangeToFlux(this::events);
	}

	private Flux<ServerSentEvent<String>> events(ClientResponse response) {
		if (!response.statusCode().is2xxSuccessful()) {
			return response.<ServerSentEvent<String>>createError().flux();
		}
		MediaType type = response.headers().contentType().orElse(null);
		if (type == null || !MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
			return response.releaseBody()
				.then(Mono.<ServerSentEvent<String>>error(new ReconnectBackoff.NotAFeedException("answered " + type + ", not "
						+ MediaType.TEXT_EVENT_STREAM + "; is " + this.uri + " the auth service's revocation feed?")))
				.flux();
		}
		connected();
		return response.bodyToFlux(EVENTS);
	}

	private void connected() {
		heard();
		this.failureReported = false;
		if (!this.connected) {
			this.connected = true;
			logger.info("Following the revocation feed at " + this.uri + " from id " + this.lastEventId);
		}
	}

	private void receive(ServerSentEvent<String> event) {
		heard();
		if (this.failedAttempts != 0) {
			// a stream that delivers is a success: the next failure starts from the shortest wait
			this.failedAttempts = 0;
			this.backoff = Duration.ZERO;
		}
		if (RevocationFeed.EVENT_REVOCATION.equals(event.event())) {
			revocation(event.data());
		}
		else if (RevocationFeed.EVENT_HEARTBEAT.equals(event.event())) {
			heartbeat(event.data());
		}
		else if (RevocationFeed.EVENT_RESYNC.equals(event.event())) {
			resync(event.data());
		}
		// anything else, comments included, only shows that the stream is alive
	}

	private void revocation(String data) {
		RevocationEvent event = read(data, RevocationEvent.class);
		// a reconnection's replay may overlap what was applied already
		if (event != null && event.id() > this.lastEventId) {
			this.revocations.apply(event);
			this.lastEventId = event.id();
			this.lastEventAt = event.at();
			this.newestEventLagMillis = Math.max(0, this.clock.millis() - event.at());
		}
	}

	private void heartbeat(String data) {
		if (read(data, FeedHeartbeat.class) != null) {
			this.revocations.forgetExpired(this.clock.millis());
		}
	}

	/** The replay from the start that follows is applied whatever its ids. */
	private void resync(String data) {
		FeedHeartbeat resync = read(data, FeedHeartbeat.class);
		// Revocations already held stay: they were made, and each is forgotten at its until.
		logger.warn("The revocation feed at " + this.uri + " went back (id " + this.lastEventId + " applied here, "
				+ ((resync != null) ? "last id " + resync.lastId() : "unreadable resync") + " there: its database restored"
				+ " or failed over?): resyncing from the start of its live window");
		this.lastEventId = 0;
		this.lastEventAt = 0;
	}

	/**
	 * An unreadable event is logged and skipped rather than failing the stream: reconnecting
	 * would be answered with the same event, and every revocation after it would never apply.
	 */
	private <T> T read(String data, Class<T> type) {
		if (data == null) {
			logger.warn("Ignoring a revocation feed event without data, expected " + type.getSimpleName());
			return null;
		}
		try {
			return this.json.readValue(data, type);
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring an unreadable revocation feed event, expected " + type.getSimpleName() + ": "
					+ ex.getOriginalMessage());
			return null;
		}
	}

	private void heard() {
		long now = System.nanoTime();
		if (this.staleReported) {
			this.staleReported = false;
			logger.info("The revocation feed at " + this.uri + " is back after " + seconds(now - this.lastHeardNanos)
					+ " s; catching up from id " + this.lastEventId);
		}
		this.lastHeardNanos = now;
	}

	private void disconnected(Throwable ex) {
		this.lastFailure = ex;
		if (!this.failureReported) {
			this.failureReported = true;
			reportFailure(ex, this.connected);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("The revocation feed at " + this.uri + " is still unavailable (" + ex + ")");
		}
		this.connected = false;
		long silent = System.nanoTime() - this.lastHeardNanos;
		if (!this.staleReported && silent >= this.settings.staleAfter().toNanos()) {
			this.staleReported = true;
			logger.warn("The revocation feed at " + this.uri + " has not been heard from for " + seconds(silent)
					+ " s (" + this.lastFailure + "): revocations made since are not enforced until it is back. Holding "
					+ this.revocations.size() + " revocation(s) up to id " + this.lastEventId);
		}
	}

	private void reportFailure(Throwable ex, boolean wasConnected) {
		if (ex instanceof WebClientResponseException response
				&& (response.getStatusCode().value() == 401 || response.getStatusCode().value() == 403)) {
			logger.warn("The auth service refused this gateway's feed secret (" + response.getStatusCode()
					+ "): give both the same " + RevocationFeed.SECRET_PROPERTY + "; retrying, less and less often, up to every "
					+ this.settings.backoff().refusedCap().toSeconds() + " s");
		}
		else if (ReconnectBackoff.failureOf(ex) == ReconnectBackoff.Failure.REFUSED) {
			logger.warn("The revocation feed at " + this.uri + " is not there (" + ex + "): is "
					+ "portcullis.gateway.revocation.feed-uri the auth service's " + RevocationFeed.PATH
					+ "? Retrying, less and less often, up to every " + this.settings.backoff().refusedCap().toSeconds()
					+ " s");
		}
		else if (wasConnected) {
			logger.info("Lost the revocation feed at " + this.uri + " (" + ex + "); reconnecting from id "
					+ this.lastEventId);
		}
		else {
			logger.info("Cannot reach the revocation feed at " + this.uri + " (" + ex + "); retrying");
		}
	}

	private static String seconds(long nanos) {
		return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
	}

	@Override
	public void start() {
		this.lastHeardNanos = System.nanoTime();
		this.subscription = follow().subscribe();
	}

	@Override
	public void stop() {
		Disposable running = this.subscription;
		if (running != null) {
			running.dispose();
		}
		this.subscription = null;
		this.connected = false;
	}

	@Override
	public boolean isRunning() {
		return this.subscription != null;
	}

	/**
	 * How the feed is followed.
	 *
	 * @param backoff the wait between failed attempts
	 * @param staleAfter silence after which the stream is given up and reported stale
	 */
	record Settings(ReconnectBackoff backoff, Duration staleAfter) {
	}

	/**
	 * A snapshot for health reporting.
	 *
	 * @param connected whether a stream is open now
	 * @param lastEventId the highest event id applied
	 * @param sinceLastHeard time since the feed last sent anything
	 * @param stale whether that exceeds the stale-after setting
	 * @param revocations how many revocations are held
	 * @param failedAttempts attempts failed in a row (0 once a stream delivers)
	 * @param backoff the wait before the attempt under way or due (zero once a stream delivers)
	 */
	public record FeedStatus(boolean connected, long lastEventId, Duration sinceLastHeard, boolean stale,
			int revocations, int failedAttempts, Duration backoff) {
	}

	private static final class FeedEndedException extends IllegalStateException {

		FeedEndedException() {
			super("the feed ended the stream", null);
		}

	}

}
