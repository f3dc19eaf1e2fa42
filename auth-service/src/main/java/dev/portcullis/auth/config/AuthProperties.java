package dev.portcullis.auth.config;

import java.time.Duration;
import java.util.List;

import dev.portcullis.contract.AccessTokenFormat;
import dev.portcullis.contract.AuthCookies;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code portcullis.auth.*} setting, with its default, in one immutable record, but
 * {@code trusted-proxies} ({@link TrustedProxiesProperties}) and {@code refresh-limit}
 * ({@link RefreshLimitProperties}).
 *
 * @param issuer the {@code iss} of every access token
 * @param audience the {@code aud} of every access token
 * @param masterSecret the server secret (at least 32 characters) that seals signing keys and
 * grace-window successors and keys the refresh-token hash; required, never logged
 * @param accessTokenTtl access-token lifetime, and the access cookie's Max-Age
 * @param sessionTtl absolute session lifetime, never extended by rotation
 * @param sessionIdleTtl a session not refreshed for this long is over
 * @param refreshGrace how long an already-rotated refresh token still yields its successor
 * @param defaultRoles roles of a newly registered user
 * @param cookies cookie names and attributes
 * @param keys signing-key rotation
 * @param hashing Argon2id cost and the bounded hashing pool
 * @param login failed-login slow-down and limits
 * @param purge clean-up of expired rows
 */
@Validated
@ConfigurationProperties("portcullis.auth")
public record AuthProperties(@DefaultValue(AccessTokenFormat.DEFAULT_ISSUER) @NotBlank String issuer,
		@DefaultValue(AccessTokenFormat.DEFAULT_AUDIENCE) @NotBlank String audience, String masterSecret,
		@DefaultValue("15m") @NotNull Duration accessTokenTtl, @DefaultValue("30d") @NotNull Duration sessionTtl,
		@DefaultValue("7d") @NotNull Duration sessionIdleTtl, @DefaultValue("10s") @NotNull Duration refreshGrace,
		@DefaultValue("user") @NotEmpty List<String> defaultRoles, @DefaultValue @Valid Cookies cookies,
		@DefaultValue @Valid Keys keys, @DefaultValue @Valid Hashing hashing, @DefaultValue @Valid Login login,
		@DefaultValue @Valid Purge purge) {

	public AuthProperties {
		if (masterSecret == null || masterSecret.isBlank()) {
			throw new IllegalArgumentException("portcullis.auth.master-secret is not set. Set it (or the PORTCULLIS_AUTH_MASTER_SECRET "
					+ "environment variable) to a random string of at least 32 characters, e.g. `openssl rand -base64 48`; "
					+ "every replica needs the same value");
		}
		if (masterSecret.length() < 32) {
			throw new IllegalArgumentException("portcullis.auth.master-secret must be at least 32 characters long");
		}
		requirePositive(accessTokenTtl, "access-token-ttl");
		requirePositive(sessionTtl, "session-ttl");
		requirePositive(sessionIdleTtl, "session-idle-ttl");
		if (refreshGrace.isNegative() || refreshGrace.compareTo(Duration.ofMinutes(1)) > 0) {
			throw new IllegalArgumentException("portcullis.auth.refresh-grace must be between 0s and 1m, was " + refreshGrace);
		}
		if (accessTokenTtl.compareTo(sessionTtl) > 0) {
			throw new IllegalArgumentException("portcullis.auth.access-token-ttl must not be longer than session-ttl");
		}
	}

	/**
	 * How long an access token issued now can still be accepted somewhere: its lifetime plus a
	 * minute for clocks that disagree. A retired key stays published, and a revocation is kept,
	 * this long.
	 * @return the access-token TTL plus the clock margin
	 */
	public Duration accessTokenLifetime() {
		return this.accessTokenTtl.plus(Duration.ofMinutes(1));
	}

	static void requirePositive(Duration value, String name) {
		if (value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException("portcullis.auth." + name + " must be positive, was " + value);
		}
	}

	@Override
	public String toString() {
		return "AuthProperties[issuer=" + this.issuer + ", audience=" + this.audience + ", masterSecret=<hidden>]";
	}

	/**
	 * @param accessName access cookie name; a {@code __Host-} name requires Secure and Path=/
	 * @param refreshName refresh cookie name
	 * @param refreshPath the only path the browser sends the refresh cookie to
	 * @param secure the Secure attribute
	 * @param accessSameSite SameSite of the access cookie
	 * @param refreshSameSite SameSite of the refresh cookie
	 * @param domain the Domain attribute, normally unset (host-only)
	 */
	public record Cookies(@DefaultValue(AuthCookies.ACCESS) @NotBlank String accessName,
			@DefaultValue(AuthCookies.REFRESH) @NotBlank String refreshName,
			@DefaultValue(AuthCookies.REFRESH_PATH) @NotBlank String refreshPath, @DefaultValue("true") boolean secure,
			@DefaultValue("Lax") @NotBlank String accessSameSite, @DefaultValue("Strict") @NotBlank String refreshSameSite,
			String domain) {

		public Cookies {
			if (accessName.startsWith("__Host-") && (!secure || domain != null)) {
				throw new IllegalArgumentException("portcullis.auth.cookies.access-name " + accessName
						+ " uses the __Host- prefix, which browsers only accept with secure=true and no domain");
			}
			if ((accessName.startsWith("__Secure-") || refreshName.startsWith("__Secure-") || refreshName.startsWith("__Host-"))
					&& !secure) {
				throw new IllegalArgumentException("portcullis.auth.cookies: __Secure-/__Host- cookie names need secure=true");
			}
			for (String sameSite : List.of(accessSameSite, refreshSameSite)) {
				if (!List.of("Strict", "Lax", "None").contains(sameSite)) {
					throw new IllegalArgumentException("portcullis.auth.cookies SameSite must be Strict, Lax or None, was " + sameSite);
				}
			}
		}

	}

	/**
	 * @param rotationInterval a new signing key is introduced when the newest is this old
	 * @param publishAhead a new key is published this long before it signs anything; keep it
	 * longer than any JWKS cache in front of the gateway
	 * @param refreshInterval how often a replica re-reads the key table
	 */
	public record Keys(@DefaultValue("30d") @NotNull Duration rotationInterval,
			@DefaultValue("10m") @NotNull Duration publishAhead, @DefaultValue("30s") @NotNull Duration refreshInterval) {

		public Keys {
			requirePositive(rotationInterval, "keys.rotation-interval");
			requirePositive(refreshInterval, "keys.refresh-interval");
			if (publishAhead.isNegative()) {
				throw new IllegalArgumentException("portcullis.auth.keys.publish-ahead must not be negative");
			}
		}

	}

	/**
	 * @param memoryKib Argon2id memory, KiB (OWASP minimum 19456)
	 * @param iterations Argon2id passes (OWASP minimum 2 at 19 MiB)
	 * @param parallelism Argon2id lanes
	 * @param threads hashing threads; 0 means one per core
	 * @param queueCapacity hashes allowed to wait; beyond it login answers 429 busy
	 */
	public record Hashing(@DefaultValue("19456") int memoryKib, @DefaultValue("2") int iterations,
			@DefaultValue("1") int parallelism, @DefaultValue("0") int threads, @DefaultValue("64") int queueCapacity) {

		public Hashing {
			if (memoryKib < 19456 || iterations < 2 || parallelism < 1) {
				throw new IllegalArgumentException("portcullis.auth.hashing is below OWASP's Argon2id minimum "
						+ "(memory-kib >= 19456, iterations >= 2, parallelism >= 1)");
			}
			if (threads < 0 || queueCapacity < 1) {
				throw new IllegalArgumentException("portcullis.auth.hashing.threads must be >= 0 and queue-capacity >= 1");
			}
		}

		public int effectiveThreads() {
			return (this.threads > 0) ? this.threads : Runtime.getRuntime().availableProcessors();
		}

	}

	/**
	 * @param freeAttempts failed logins per account before slowing down
	 * @param initialDelay the first wait; it doubles with every further failure
	 * @param maxDelay the longest wait
	 * @param clientFailures failed logins one client address may make per {@code clientWindow},
	 * on any accounts
	 * @param clientWindow the fixed window of {@code clientFailures}
	 * @param globalFailures failed logins across all accounts per {@code globalWindow}; beyond
	 * it the service is under attack for one {@code clientWindow}: nobody is refused for it, but a
	 * client not at its account's last-login address may fail only
	 * {@code clientFailuresUnderAttack} times per window
	 * @param globalWindow the fixed window of {@code globalFailures}
	 * @param clientFailuresUnderAttack {@code clientFailures} while under attack (never more than
	 * {@code clientFailures})
	 * @param clientRegistrations registrations one client may attempt per {@code clientWindow},
	 * whatever their outcome
	 */
	public record Login(@DefaultValue("5") int freeAttempts, @DefaultValue("1s") @NotNull Duration initialDelay,
			@DefaultValue("15m") @NotNull Duration maxDelay, @DefaultValue("50") int clientFailures,
			@DefaultValue("15m") @NotNull Duration clientWindow, @DefaultValue("1000") int globalFailures,
			@DefaultValue("5m") @NotNull Duration globalWindow, @DefaultValue("5") int clientFailuresUnderAttack,
			@DefaultValue("20") int clientRegistrations) {

		public Login {
			if (freeAttempts < 1) {
				throw new IllegalArgumentException("portcullis.auth.login.free-attempts must be at least 1");
			}
			requirePositive(initialDelay, "login.initial-delay");
			requirePositive(maxDelay, "login.max-delay");
			if (clientFailures < 1) {
				throw new IllegalArgumentException("portcullis.auth.login.client-failures must be at least 1, was " + clientFailures);
			}
			requireWindow(clientWindow, "login.client-window");
			if (globalFailures < 1) {
				throw new IllegalArgumentException("portcullis.auth.login.global-failures must be at least 1, was " + globalFailures);
			}
			requireWindow(globalWindow, "login.global-window");
			if (clientFailuresUnderAttack < 1) {
				throw new IllegalArgumentException("portcullis.auth.login.client-failures-under-attack must be at least 1, was "
						+ clientFailuresUnderAttack);
			}
			if (clientRegistrations < 1) {
				throw new IllegalArgumentException(
						"portcullis.auth.login.client-registrations must be at least 1, was " + clientRegistrations);
			}
		}

		private static void requireWindow(Duration window, String name) {
			if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
				throw new IllegalArgumentException("portcullis.auth." + name + " must be between 1s and 1d, was " + window);
			}
		}

	}

	/**
	 * @param interval how often expired rows are deleted
	 * @param batchSize rows per delete statement
	 * @param retention how long ended sessions and audit events are kept
	 */
	public record Purge(@DefaultValue("10m") @NotNull Duration interval, @DefaultValue("1000") int batchSize,
			@DefaultValue("90d") @NotNull Duration retention) {

		public Purge {
			requirePositive(interval, "purge.interval");
			requirePositive(retention, "purge.retention");
			if (batchSize < 1) {
				throw new IllegalArgumentException("portcullis.auth.purge.batch-size must be at least 1");
			}
		}

	}

}
