package dev.portcullis.gateway.security;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Holds the auth service's current {@link SigningKeys}, fetched from its JWKS endpoint with a
 * non-blocking client: once at start-up, then again ahead of the advertised {@code max-age}
 * (capped by the refresh interval), and on demand when a token names an unknown key.
 *
 * <p>On-demand fetches are single-flight and rate-limited: a request naming an unknown key joins
 * the fetch in flight it saw, or claims the interval's one on-demand fetch with a single
 * compare-and-set, or is declined; it never starts a fetch on the strength of an earlier check.
 * A fetch is out of flight before anyone hears its result, so whoever asks next fetches anew
 * rather than getting the old answer. A failed fetch, including a 2xx answer without a JWK Set
 * (empty or unparsable), keeps the keys already held, so an auth-service outage does not break
 * logged-in traffic, and is retried after the back-off.
 *
 * <p>It keeps a tally of its fetches and of the age of the keys it holds for
 * {@link AccessCheckMetrics}: a few increments per fetch, none per request.
 */
class JwksKeyStore implements SigningKeySource, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JwksKeyStore.class);

	private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");

	private static final Duration RETRY_FLOOR = Duration.ofSeconds(1);

	private final WebClient client;

	private final URI uri;

	private final Set<JWSAlgorithm> algorithms;

	private final Duration refreshInterval;

	private final Duration minRefetchInterval;

	private final Duration timeout;

	private final AtomicReference<SigningKeys> keys = new AtomicReference<>(SigningKeys.NONE);

	private final AtomicReference<Mono<SigningKeys>> inFlight = new AtomicReference<>();

	private final AtomicLong lastOnDemandNanos = new AtomicLong();

	private volatile boolean lastFetchFailed;

	/** When keys were last installed; until then, when the store was created. */
	private volatile long lastSuccessNanos = System.nanoTime();

	private final AtomicLong fetchesOk = new AtomicLong();

	private final AtomicLong fetchesFailed = new AtomicLong();

	private final AtomicLong unknownKeyRefetches = new AtomicLong();

	private volatile Duration nextRefresh;

	private volatile Disposable schedule;

	public JwksKeyStore(WebClient client, URI uri, Set<JWSAlgorithm> algorithms, Duration refreshInterval,
			Duration minRefetchInterval, Duration timeout) {
		this.client = client;
		this.uri = uri;
		this.algorithms = Set.copyOf(algorithms);
		this.refreshInterval = refreshInterval;
		this.minRefetchInterval = minRefetchInterval;
		this.timeout = timeout;
		this.nextRefresh = refreshInterval;
		this.lastOnDemandNanos.set(System.nanoTime() - minRefetchInterval.toNanos());
	}

	@Override
	public SigningKeys current() {
		return this.keys.get();
	}

	@Override
	public boolean lastFetchFailed() {
		return this.lastFetchFailed;
	}

	/**
	 * Fetches the key set again unless an on-demand fetch happened within the minimum
	 * refetch interval. Completes empty either way; a failure is recorded, not signalled.
	 */
	@Override
	public Mono<Void> refetchForUnknownKey() {
		Mono<SigningKeys> running = this.inFlight.get();
		if (running != null) {
			// join what was seen: if it finishes meanwhile, the join replays its result
			return running.then().onErrorComplete();
		}
		long now = System.nanoTime();
		long last = this.lastOnDemandNanos.get();
		if (now - last < this.minRefetchInterval.toNanos() || !this.lastOnDemandNanos.compareAndSet(last, now)) {
			return Mono.empty();
		}
		// the interval's one on-demand fetch: only the caller whose compare-and-set won gets here
		this.unknownKeyRefetches.incrementAndGet();
		return fetch().then().onErrorComplete();
	}

	/**
	 * Fetches the key set now, joining a fetch already in flight.
	 * @return the keys fetched
	 */
	public Mono<SigningKeys> fetch() {
		while (true) {
			Mono<SigningKeys> running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			AtomicReference<Mono<SigningKeys>> self = new AtomicReference<>();
			// out of flight before the result reaches anyone: a caller acting on it must not join this one
			Runnable land = () -> this.inFlight.compareAndSet(self.get(), null);
			Mono<SigningKeys> created = download().doOnSuccess((keys) -> land.run())
				.doOnError((ex) -> land.run())
				.cache();
			self.set(created);
			if (this.inFlight.compareAndSet(null, created)) {
				return created;
			}
		}
	}

	private Mono<SigningKeys> download() {
		return this.client.get()
			.uri(this.uri)
			.accept(MediaType.APPLICATION_JSON)
			.exchangeToMono(this::readBody)
			.timeout(this.timeout)
			// parsing builds key objects through JCA provider lookups: keep it off the event loop
			.publishOn(Schedulers.boundedElastic())
			.map(this::install)
			.doOnError(this::recordFailure);
	}

	private Mono<Fetched> readBody(ClientResponse response) {
		if (!response.statusCode().is2xxSuccessful()) {
			return response.createError();
		}
		String cacheControl = response.headers().asHttpHeaders().getFirst(HttpHeaders.CACHE_CONTROL);
		return response.bodyToMono(String.class)
			.map((body) -> new Fetched(body, cacheControl))
			// an empty answer would complete the fetch with nothing: a failure like an unparsable one,
			// or the refresh cycle would start over at once, in a loop
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("The JWKS answer has no body")));
	}

	private SigningKeys install(Fetched fetched) {
		SigningKeys parsed;
		try {
			parsed = SigningKeys.parse(fetched.body(), this.algorithms);
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException("The JWKS document is not a JWK Set: " + ex.getMessage(), ex);
		}
		SigningKeys previous = this.keys.getAndSet(parsed);
		this.lastFetchFailed = false;
		this.lastSuccessNanos = System.nanoTime();
		this.fetchesOk.incrementAndGet();
		this.nextRefresh = refreshDelay(fetched.cacheControl());
		if (previous.size() != parsed.size() || !previous.loaded()) {
			logger.info("Loaded " + parsed.size() + " signing key(s) from " + this.uri);
		}
		return parsed;
	}

	private void recordFailure(Throwable ex) {
		this.lastFetchFailed = true;
		this.fetchesFailed.incrementAndGet();
		String held = this.keys.get().loaded() ? "keeping the " + this.keys.get().size() + " key(s) held"
				: "no keys held yet";
		logger.warn("Fetching signing keys from " + this.uri + " failed (" + ex + "); " + held);
	}

	/**
	 * How many fetches ended one way.
	 * @param ok true for those that installed a key set, false for the failed ones
	 */
	long fetches(boolean ok) {
		return ok ? this.fetchesOk.get() : this.fetchesFailed.get();
	}

	/** How many on-demand fetches a token naming an unknown key started. */
	long unknownKeyRefetches() {
		return this.unknownKeyRefetches.get();
	}

	/** Seconds since keys were last installed; since the store was created when never. */
	double keysAgeSeconds() {
		return (System.nanoTime() - this.lastSuccessNanos) / 1e9;
	}

	private Duration refreshDelay(String cacheControl) {
		if (cacheControl != null) {
			Matcher matcher = MAX_AGE.matcher(cacheControl);
			if (matcher.find()) {
				// refresh ahead of expiry, so rotated keys are known before a cache would drop them
				Duration ahead = Duration.ofSeconds(Long.parseLong(matcher.group(1)) * 3 / 4);
				// a max-age of zero must not turn into a fetch per second
				return max(max(RETRY_FLOOR, this.minRefetchInterval), min(ahead, this.refreshInterval));
			}
		}
		return this.refreshInterval;
	}

	private Mono<Void> refreshCycle() {
		Duration retry = max(RETRY_FLOOR, this.minRefetchInterval);
		return fetch().map((fetched) -> this.nextRefresh)
			// a failed refresh is already logged and keeps the old keys; retry sooner
			.onErrorResume((ex) -> Mono.just(retry))
			// never start over without a pause, whatever the fetch did
			.defaultIfEmpty(retry)
			.flatMap(Mono::delay)
			.then();
	}

	@Override
	public void start() {
		this.schedule = Mono.defer(this::refreshCycle).repeat().subscribe();
	}

	@Override
	public void stop() {
		Disposable running = this.schedule;
		if (running != null) {
			running.dispose();
		}
		this.schedule = null;
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null;
	}

	private static Duration min(Duration a, Duration b) {
		return a.compareTo(b) <= 0 ? a : b;
	}

	private static Duration max(Duration a, Duration b) {
		return a.compareTo(b) >= 0 ? a : b;
	}

	private record Fetched(String body, String cacheControl) {
	}

}
