package dev.portcullis.auth.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The per-session refresh limit, bound from {@code portcullis.auth.refresh-limit}: at most
 * {@code rotations} rotations of one session's refresh token per fixed {@code window}. A refresh
 * token rotates on every use, so a limit per token cannot slow a stolen session down; this one
 * can, whichever replica or client address the refreshes come from. A record of its own beside
 * {@link AuthProperties} only so that the setting does not change that record's constructor.
 *
 * @param rotations rotations one session may make per window; a browser makes one per
 * access-token lifetime (tabs sharing the cookie get the grace-window successor, which is no
 * rotation), so the default leaves room for six
 * @param window the fixed window; unset, the access-token lifetime ({@code access-token-ttl})
 */
@ConfigurationProperties("portcullis.auth.refresh-limit")
public record RefreshLimitProperties(@DefaultValue("6") int rotations, Duration window) {

	public RefreshLimitProperties {
		if (window != null && (window.isZero() || window.isNegative())) {
			throw new IllegalArgumentException("portcullis.auth.refresh-limit.window must be positive, was " + window
					+ "; leave it unset for the access-token lifetime");
		}
	}

	/**
	 * The window for access tokens that live {@code accessTokenTtl}, checked against what a
	 * browser needs: one rotation per access-token lifetime, twice over because a fixed window
	 * can hold the end of one lifetime and the whole of the next.
	 * @param accessTokenTtl {@code portcullis.auth.access-token-ttl}
	 * @return the window in force
	 * @throws IllegalArgumentException if the limit would refuse such a browser
	 */
	public Duration windowFor(Duration accessTokenTtl) {
		Duration effective = (this.window != null) ? this.window : accessTokenTtl;
		long lifetimes = (effective.toMillis() + accessTokenTtl.toMillis() - 1) / accessTokenTtl.toMillis();
		long needed = 2 * Math.max(1, lifetimes);
		if (this.rotations < needed) {
			throw new IllegalArgumentException("portcullis.auth.refresh-limit.rotations is " + this.rotations + " per "
					+ effective + ", but a browser refreshing once per access-token lifetime (" + accessTokenTtl
					+ ") needs " + needed + ": raise rotations to at least " + needed + " or shorten the window");
		}
		return effective;
	}

}
