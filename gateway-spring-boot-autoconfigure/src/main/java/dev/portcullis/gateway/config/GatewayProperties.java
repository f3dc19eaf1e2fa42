package dev.portcullis.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.portcullis.contract.AccessTokenFormat;
import dev.portcullis.contract.AuthCookies;
import dev.portcullis.contract.revocation.RevocationFeed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the gateway's access check, bound from {@code portcullis.gateway.*}.
 *
 * @param jwksUri where the auth service publishes its signing keys (JWK Set, RFC 7517)
 * @param jwks when and how the key set is fetched
 * @param accessCookie name of the cookie carrying the access token
 * @param refreshCookie name of the refresh cookie, stripped from proxied requests
 * @param issuer required {@code iss}
 * @param audience required value of {@code aud}
 * @param algorithms JWS algorithms accepted; anything else is rejected before key lookup
 * @param clockSkew tolerance applied to {@code exp} and {@code nbf}
 * @param maxTokenLifetime longest access-token lifetime accepted ({@code exp - iat}, and
 * {@code exp} from now), clock skew added; the auth service's
 * {@code portcullis.auth.access-token-ttl}, so a token minted with a leaked key cannot outlive
 * the key's removal by more than this
 * @param maxTokenSize longest access cookie value, in characters, worth parsing
 * @param cacheSize deprecated, replaced by {@code token-cache.max-weight}: most verified tokens
 * kept, converted to bytes at a measured weight per token; {@code null} when not set
 * @param tokenCache the verified-token cache's memory bound
 * @param identityHeaders client-sent headers removed in addition to {@code X-User-*} and
 * {@code X-Session-Id}
 * @param publicPaths path patterns that need no access token, on top of routes with
 * metadata {@code public: true}
 * @param cors cross-origin settings
 * @param csrf cross-site request forgery settings
 * @param revocation where and how the revocation feed is followed
 * @param metrics the gateway's own meters
 * @param websocket limits on proxied WebSockets
 */
@Validated
@ConfigurationProperties("portcullis.gateway")
public record GatewayProperties(
		@NotNull URI jwksUri,
		@Valid @DefaultValue Jwks jwks,
		@NotBlank @DefaultValue(AuthCookies.ACCESS) String accessCookie,
		@NotBlank @DefaultValue(AuthCookies.REFRESH) String refreshCookie,
		@NotBlank @DefaultValue(AccessTokenFormat.DEFAULT_ISSUER) String issuer,
		@NotBlank @DefaultValue(AccessTokenFormat.DEFAULT_AUDIENCE) String audience,
		@NotEmpty @DefaultValue(AccessTokenFormat.DEFAULT_ALGORITHM) Set<String> algorithms,
		@NotNull @DefaultValue("30s") Duration clockSkew,
		@NotNull @DefaultValue("15m") Duration maxTokenLifetime,
		@DefaultValue("" + AccessTokenFormat.MAX_TOKEN_LENGTH) int maxTokenSize,
		Long cacheSize,
		@Valid @DefaultValue TokenCache tokenCache,
		@DefaultValue List<String> identityHeaders,
		@DefaultValue List<String> publicPaths,
		@Valid @DefaultValue Cors cors,
		@Valid @DefaultValue Csrf csrf,
		@Valid @DefaultValue Revocation revocation,
		@Valid @DefaultValue Metrics metrics,
		@Valid @DefaultValue WebSocket websocket) {

	public GatewayProperties {
		if (jwksUri == null) {
			throw new IllegalArgumentException(
					"portcullis.gateway.jwks-uri is not set: point it at the auth service's /.well-known/jwks.json");
		}
		if (revocation.feedUri() == null) {
			throw new IllegalArgumentException("portcullis.gateway.revocation.feed-uri is not set: point it at the auth"
					+ " service's revocation feed, e.g. http://auth-service:8081" + RevocationFeed.PATH
					+ " (environment PORTCULLIS_FEED_URI; the shipped application.yml derives it from PORTCULLIS_AUTH_URI)."
					+ " It is not derived from jwks-uri: the key set may be served by another host, and the feed secret"
					+ " is sent only to the host named here");
		}
		requireNotNegative(clockSkew, "clock-skew");
		if (maxTokenLifetime == null || maxTokenLifetime.isNegative() || maxTokenLifetime.isZero()) {
			throw new IllegalArgumentException("portcullis.gateway.max-token-lifetime must be positive: set it to the"
					+ " auth service's portcullis.auth.access-token-ttl (default 15m)");
		}
		requirePositive(maxTokenSize, "max-token-size");
		if (cacheSize != null) {
			requirePositive(cacheSize, "cache-size");
			if (tokenCache.maxWeight() != null) {
				throw new IllegalArgumentException("portcullis.gateway.cache-size is replaced by"
						+ " portcullis.gateway.token-cache.max-weight: remove cache-size and keep token-cache.max-weight");
			}
		}
		for (String algorithm : algorithms) {
			if (algorithm.equalsIgnoreCase("none") || algorithm.startsWith("HS")) {
				throw new IllegalArgumentException("portcullis.gateway.algorithms must list asymmetric JWS algorithms"
						+ " only (e.g. RS256, ES256), not " + algorithm);
			}
		}
		algorithms = Set.copyOf(algorithms);
		identityHeaders = List.copyOf(identityHeaders);
		publicPaths = List.copyOf(publicPaths);
	}

	/**
	 * @param refreshInterval longest time between two fetches; a shorter {@code max-age} wins
	 * @param minRefetchInterval shortest time between two fetches triggered by an unknown
	 * {@code kid}, and the retry delay after a failed fetch
	 * @param timeout bound on one fetch
	 */
	public record Jwks(@NotNull @DefaultValue("5m") Duration refreshInterval,
			@NotNull @DefaultValue("10s") Duration minRefetchInterval,
			@NotNull @DefaultValue("5s") Duration timeout) {

		public Jwks {
			requirePositive(refreshInterval.toMillis(), "jwks.refresh-interval");
			requireNotNegative(minRefetchInterval, "jwks.min-refetch-interval");
			requirePositive(timeout.toMillis(), "jwks.timeout");
		}

	}

	/**
	 * @param maxWeight most memory the verified-token cache may hold, in bytes of retained heap
	 * (e.g. {@code 8MB}); {@code null} for the default, a fraction of the JVM's max heap.
	 * Checked against the max heap at start-up
	 */
	public record TokenCache(DataSize maxWeight) {

		public TokenCache {
			if (maxWeight != null && maxWeight.toBytes() <= 0) {
				throw new IllegalArgumentException("portcullis.gateway.token-cache.max-weight must be positive"
						+ " (e.g. 8MB), or left unset for a share of the heap");
			}
		}

	}

	/**
	 * @param allowedOrigins exact origins (scheme://host[:port]) allowed to call with
	 * credentials; also the CSRF origin allowlist
	 * @param allowedMethods methods announced in preflight responses
	 * @param maxAge how long browsers may cache a preflight answer
	 */
	public record Cors(@DefaultValue List<String> allowedOrigins,
			@DefaultValue({ "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" }) List<String> allowedMethods,
			@NotNull @DefaultValue("30m") Duration maxAge) {

		public Cors {
			for (String origin : allowedOrigins) {
				if (origin.equals("*") || origin.endsWith("/")) {
					throw new IllegalArgumentException("portcullis.gateway.cors.allowed-origins takes exact origins like"
							+ " https://app.example.com (no '*', no trailing slash), got " + origin);
				}
			}
			allowedOrigins = List.copyOf(allowedOrigins);
			allowedMethods = List.copyOf(allowedMethods);
		}

	}

	/**
	 * @param enabled whether unsafe methods are checked at all
	 * @param allowedFetchSites {@code Sec-Fetch-Site} values accepted for unsafe methods
	 */
	public record Csrf(@DefaultValue("true") boolean enabled,
			@DefaultValue("same-origin") Set<String> allowedFetchSites) {

		public Csrf {
			if (allowedFetchSites.contains("cross-site") || allowedFetchSites.contains("none")) {
				throw new IllegalArgumentException("portcullis.gateway.csrf.allowed-fetch-sites may list same-origin"
						+ " and same-site only");
			}
			allowedFetchSites = Set.copyOf(allowedFetchSites);
		}

	}

	/**
	 * @param feedUri the auth service's revocation feed, required: the only host the feed
	 * secret is sent to. Never derived from {@code jwks-uri}, whose host may be a CDN or any
	 * other server; the shipped application.yml derives it from the auth service's own origin
	 * ({@code PORTCULLIS_AUTH_URI}) unless {@code PORTCULLIS_FEED_URI} is set
	 * @param reconnectDelay first wait before reconnecting after the feed failed; doubles per
	 * attempt failed in a row, with jitter (each wait is between half and all of the figure)
	 * @param maxReconnectDelay longest wait after the feed refused (404, 401 or another 4xx, or
	 * an answer that is not a stream): a misconfiguration, where each attempt costs the auth
	 * service a request
	 * @param maxOutageReconnectDelay longest wait while the feed is unreachable (no answer, a
	 * 5xx, or a stream that ended or went silent): bounds how long after the auth service is
	 * back its revocations are enforced
	 * @param staleAfter silence after which the feed is reconnected and reported stale; three
	 * of the auth service's heartbeat intervals
	 * @param maxEntries most session and user revocations held at once; past it the oldest is
	 * dropped and every token issued before it is refused instead (see the README)
	 */
	public record Revocation(URI feedUri, @NotNull @DefaultValue("250ms") Duration reconnectDelay,
			@NotNull @DefaultValue("30s") Duration maxReconnectDelay,
			@NotNull @DefaultValue("1s") Duration maxOutageReconnectDelay,
			@NotNull @DefaultValue("15s") Duration staleAfter,
			@DefaultValue("20000") int maxEntries) {

		public Revocation {
			if (feedUri != null && !isHttp(feedUri)) {
				throw new IllegalArgumentException("portcullis.gateway.revocation.feed-uri must be an absolute http(s)"
						+ " URI such as http://auth-service:8081" + RevocationFeed.PATH + ", got " + feedUri);
			}
			requirePositive(reconnectDelay.toMillis(), "revocation.reconnect-delay");
			if (maxOutageReconnectDelay.compareTo(reconnectDelay) < 0) {
				throw new IllegalArgumentException("portcullis.gateway.revocation.max-outage-reconnect-delay must not be"
						+ " shorter than reconnect-delay");
			}
			if (maxReconnectDelay.compareTo(maxOutageReconnectDelay) < 0) {
				throw new IllegalArgumentException("portcullis.gateway.revocation.max-reconnect-delay must not be shorter"
						+ " than max-outage-reconnect-delay");
			}
			requirePositive(staleAfter.toMillis(), "revocation.stale-after");
			requirePositive(maxEntries, "revocation.max-entries");
		}

		private static boolean isHttp(URI uri) {
			return uri.isAbsolute() && uri.getHost() != null
					&& ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
		}

	}

	/**
	 * @param enabled whether the gateway registers and updates its own meters (decisions,
	 * token cache, JWKS, revocation feed); off, the request path does no meter work at all
	 */
	public record Metrics(@DefaultValue("true") boolean enabled) {
	}

	/**
	 * @param maxPerUser most WebSockets one user (the token's {@code sub}) may hold open at once,
	 * over all their sessions; the next upgrade is refused with 429 {@code too_many_sockets}
	 * @param maxOpen most WebSockets open through the gateway at once, public routes included;
	 * the next upgrade is refused with 503 {@code sockets_exhausted}. Also the size of the
	 * connection pool that WebSocket upstream connections use, apart from HTTP's
	 */
	public record WebSocket(@DefaultValue("10") int maxPerUser, @DefaultValue("1000") int maxOpen) {

		public WebSocket {
			requirePositive(maxPerUser, "websocket.max-per-user");
			requirePositive(maxOpen, "websocket.max-open");
			if (maxPerUser > maxOpen) {
				throw new IllegalArgumentException("portcullis.gateway.websocket.max-per-user (" + maxPerUser
						+ ") must not exceed portcullis.gateway.websocket.max-open (" + maxOpen + ")");
			}
		}

	}

	private static void requireNotNegative(Duration value, String name) {
		if (value.isNegative()) {
			throw new IllegalArgumentException("portcullis.gateway." + name + " must not be negative");
		}
	}

	private static void requirePositive(long value, String name) {
		if (value <= 0) {
			throw new IllegalArgumentException("portcullis.gateway." + name + " must be positive");
		}
	}

}
