package dev.portcullis.gateway.ratelimit;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.http.HttpHeaders;

/**
 * The rate limiter Spring Cloud Gateway's {@code RequestRateLimiter} filter uses by default:
 * its {@link RedisRateLimiter} (the token bucket, one Redis script per request, configured per
 * route with {@code redis-rate-limiter.*}), with three things it lacks.
 *
 * <ul>
 * <li>A refusal carries {@code Retry-After}: the whole seconds the bucket needs to refill the
 * tokens one request takes, at least 1.
 * <li>A Redis outage is seen and follows the configured mode. {@code RedisRateLimiter}
 * answers "allowed, {@code X-RateLimit-Remaining: -1}" whenever Redis fails (its script never
 * returns a negative count), so that answer is how an outage shows. Fail open lets the request
 * through without rate-limit headers; fail closed raises {@link RateLimiterUnavailableException}
 * (503). Each change is logged once ({@link RedisAvailability}).
 * <li>Until the connection to Redis has been opened ({@link RedisConnector}), Redis is not
 * asked: opening it blocks, so it is opened at start-up off the event loop.
 * <li>An allowed answer for a per-account or per-session key carries no rate-limit headers. Those
 * keys' filter runs first on a route that also limits per client; the headers of an answer then
 * come from one bucket only: the one that refused, or the client's when both allowed.
 * <li>When off ({@code portcullis.gateway.rate-limit.enabled=false}) every request is allowed
 * without asking Redis, so the same routes run where no Redis is.
 * </ul>
 */
final class OutageAwareRateLimiter implements RateLimiter<RedisRateLimiter.Config> {

	private static final Mono<Response> UNLIMITED = Mono.just(new Response(true, Map.of()));

	private static final String NO_ANSWER = "-1";

	private final RedisRateLimiter redis;

	private final boolean enabled;

	private final boolean failClosed;

	private final Duration retryAfter;

	private final RedisAvailability availability;

	private final RedisConnector connector;

	private final Counter withoutRedis;

	/**
	 * @param redis Spring Cloud Gateway's limiter, holding the per-route configuration
	 * @param properties on or off, and the outage mode
	 * @param availability where outages are recorded
	 * @param connector whether the connection to Redis has been opened yet
	 * @param withoutRedis counts requests decided without Redis, or {@code null}
	 */
	OutageAwareRateLimiter(RedisRateLimiter redis, RateLimitProperties properties, RedisAvailability availability,
			RedisConnector connector, Counter withoutRedis) {
		if (!redis.isIncludeHeaders()) {
			throw new IllegalStateException("spring.cloud.gateway.server.webflux.redis-rate-limiter.include-headers=false"
					+ " hides Redis outages from the rate limits: remove the setting (the headers are part of the 429)");
		}
		this.redis = redis;
		this.enabled = properties.enabled();
		this.failClosed = properties.whenRedisDown() == RateLimitProperties.WhenRedisDown.FAIL_CLOSED;
		this.retryAfter = properties.retryAfter();
		this.availability = availability;
		this.connector = connector;
		this.withoutRedis = withoutRedis;
	}

	@Override
	public Mono<Response> isAllowed(String routeId, String id) {
		if (!this.enabled) {
			return UNLIMITED;
		}
		if (!this.connector.connected()) {
			return withoutRedis();
		}
		return this.redis.isAllowed(routeId, id).flatMap((response) -> {
			if (NO_ANSWER.equals(response.getHeaders().get(this.redis.getRemainingHeader()))) {
				return withoutRedis();
			}
			this.availability.answered();
			if (response.isAllowed() && secondary(id)) {
				return UNLIMITED;
			}
			return Mono.just(response.isAllowed() ? response : withRetryAfter(response));
		});
	}

	private static boolean secondary(String key) {
		return key.startsWith(PortcullisKeyResolver.ACCOUNT_PREFIX) || key.startsWith(PortcullisKeyResolver.SESSION_PREFIX);
	}

	/** The answer while Redis does not answer: as configured. */
	private Mono<Response> withoutRedis() {
		this.availability.failed();
		if (this.withoutRedis != null) {
			this.withoutRedis.increment();
		}
		return this.failClosed ? Mono.error(new RateLimiterUnavailableException(this.retryAfter)) : UNLIMITED;
	}

	private Response withRetryAfter(Response refused) {
		Map<String, String> headers = new HashMap<>(refused.getHeaders());
		headers.put(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(
				Double.parseDouble(headers.get(this.redis.getReplenishRateHeader())),
				Integer.parseInt(headers.get(this.redis.getRequestedTokensHeader())))));
		return new Response(false, headers);
	}

	/** Whole seconds until the bucket holds one request's tokens again, at least 1. */
	static long retryAfterSeconds(double replenishRate, int requestedTokens) {
		return Math.max(1, (long) Math.ceil(requestedTokens / replenishRate));
	}

	@Override
	public Map<String, RedisRateLimiter.Config> getConfig() {
		return this.redis.getConfig();
	}

	@Override
	public Class<RedisRateLimiter.Config> getConfigClass() {
		return this.redis.getConfigClass();
	}

	@Override
	public RedisRateLimiter.Config newConfig() {
		return this.redis.newConfig();
	}

}
