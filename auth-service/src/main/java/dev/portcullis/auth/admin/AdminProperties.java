package dev.portcullis.auth.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code portcullis.admin-secret} (environment {@code PORTCULLIS_ADMIN_SECRET}): the bearer
 * secret that state-changing operations on the management port (withdrawing a signing key)
 * require. Unset, those operations are off; set, it must be at least {@value #MIN_LENGTH}
 * characters. Never logged.
 *
 * @param adminSecret the secret operators present, or null/blank for "operations off"
 */
@ConfigurationProperties("portcullis")
public record AdminProperties(String adminSecret) {

	/** Shortest accepted secret, in characters: as for the feed secret. */
	static final int MIN_LENGTH = 32;

	public AdminProperties {
		if (adminSecret != null && adminSecret.isBlank()) {
			adminSecret = null;
		}
		if (adminSecret != null && adminSecret.length() < MIN_LENGTH) {
			throw new IllegalArgumentException("portcullis.admin-secret must be at least " + MIN_LENGTH + " characters long. "
					+ "Set it (or the PORTCULLIS_ADMIN_SECRET environment variable) to a random string such as "
					+ "`openssl rand -base64 48`, or leave it unset to turn the admin operations off");
		}
	}

	/** Whether the admin operations are on. */
	boolean enabled() {
		return this.adminSecret != null;
	}

	@Override
	public String toString() {
		return "AdminProperties[adminSecret=" + (enabled() ? "<hidden>" : "<unset>") + "]";
	}

}
