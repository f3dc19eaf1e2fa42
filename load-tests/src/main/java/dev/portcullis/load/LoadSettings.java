package dev.portcullis.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The parameters every simulation takes, as system properties ({@code -Dusers=1000}), with
 * their defaults. Cookie names and problem codes default to the contract's (the {@code contract}
 * module's {@code AuthCookies} and {@code ErrorCodes}; e2e checks they agree); a deployment that
 * renames its cookies passes the new names.
 *
 * @param gateway the gateway's base URL ({@code gateway}, default http://127.0.0.1:8080)
 * @param origin the {@code Origin} sent with POSTs, which the gateway's CSRF check must allow
 * ({@code origin}, default the gateway's own origin)
 * @param sessions the file written by {@code seed-sessions} ({@code sessions}, default sessions.csv)
 * @param users virtual users ({@code users}, default 100)
 * @param duration how long each virtual user keeps going ({@code duration}, seconds, default 60)
 * @param rate calls per second of each browsing user ({@code rate}, default 1)
 * @param ramp the time over which users arrive ({@code ramp}, seconds, default 10; 0 is at once)
 * @param path the protected route browsed ({@code path}, default /api/load-test)
 * @param accessCookie {@code accessCookie}, default __Host-access_token
 * @param refreshCookie {@code refreshCookie}, default __Secure-refresh_token
 */
public record LoadSettings(URI gateway, String origin, Path sessions, int users, Duration duration, double rate,
		Duration ramp, String path, String accessCookie, String refreshCookie) {

	public static final String ACCESS_COOKIE = "__Host-access_token";

	public static final String REFRESH_COOKIE = "__Secure-refresh_token";

	public static final String TOKEN_EXPIRED = "token_expired";

	public static final String TOKEN_MISSING = "token_missing";

	public static final String KEY_WITHDRAWN = "key_withdrawn";

	public static final String SESSION_REVOKED = "session_revoked";

	public static final String BUSY = "busy";

	public LoadSettings {
		if (users < 1 || duration.isNegative() || duration.isZero() || rate <= 0 || ramp.isNegative()) {
			throw new IllegalArgumentException("users, duration and rate must be positive and ramp not negative; got users="
					+ users + ", duration=" + duration + ", rate=" + rate + ", ramp=" + ramp);
		}
	}

	/** The settings from system properties. */
	public static LoadSettings fromSystemProperties() {
		URI gateway = URI.create(System.getProperty("gateway", "http://127.0.0.1:8080").replaceAll("/+$", ""));
		return new LoadSettings(gateway, System.getProperty("origin", gateway.getScheme() + "://" + gateway.getAuthority()),
				Path.of(System.getProperty("sessions", "sessions.csv")).toAbsolutePath(), Integer.getInteger("users", 100),
				seconds("duration", 60), Double.parseDouble(System.getProperty("rate", "1")), seconds("ramp", 10),
				System.getProperty("path", "/api/load-test"), System.getProperty("accessCookie", ACCESS_COOKIE),
				System.getProperty("refreshCookie", REFRESH_COOKIE));
	}

	/** The sessions file, failing with what to do when it is missing. */
	public Path requireSessions() {
		if (!Files.isReadable(this.sessions)) {
			throw new IllegalStateException("No sessions file at " + this.sessions + ": create one with the auth service's "
					+ "seed-sessions command (see README, Load-testing through Portcullis) and pass -Dsessions=<file>");
		}
		return this.sessions;
	}

	/** Time between two calls of one browsing user. */
	public Duration pace() {
		return Duration.ofMillis(Math.round(1000 / this.rate));
	}

	static Duration seconds(String name, long defaultSeconds) {
		return Duration.ofMillis(Math.round(Double.parseDouble(System.getProperty(name, Long.toString(defaultSeconds))) * 1000));
	}

	static double fraction(String name, double defaultValue) {
		double value = Double.parseDouble(System.getProperty(name, Double.toString(defaultValue)));
		if (value < 0 || value > 1) {
			throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
		}
		return value;
	}

}
