package dev.portcullis.server;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Connection-level limits of the public port, bound from {@code portcullis.server.*}: what one
 * client may hold of an app before it has sent a whole request. The header size limit
 * ({@code server.max-http-request-header-size}) and the keep-alive idle timeout
 * ({@code server.netty.idle-timeout}) are Spring Boot's own settings, set in each app's shipped
 * {@code application.yml}. The body timeouts ({@code portcullis.server.body-read-timeout} and
 * {@code body-timeout}) share the prefix but are bound by each app, whose defaults differ.
 *
 * @param headerTimeout longest time from a request's first byte to the end of its headers;
 * past it the connection is closed (the idle timeout restarts on every byte, so it cannot stop a
 * client trickling its headers)
 * @param maxHeaderCount most header lines in one request; more close the connection (tiny
 * headers cost the parser far more heap than their bytes)
 * @param maxConnections most open connections; a connection past it is closed at once
 */
@Validated
@ConfigurationProperties("portcullis.server")
public record ServerLimits(
		@NotNull @DefaultValue("10s") Duration headerTimeout,
		@DefaultValue("100") int maxHeaderCount,
		@DefaultValue("1000") int maxConnections) {

	public ServerLimits {
		requirePositive(headerTimeout, "header-timeout", "10s");
		if (maxHeaderCount < 1) {
			throw new IllegalArgumentException("portcullis.server.max-header-count must be at least 1 (default 100)");
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("portcullis.server.max-connections must be at least 1 (default 1000)");
		}
	}

	/**
	 * Refuses a missing, zero or negative {@code portcullis.server.*} duration with the setting to fix.
	 * @param value the bound value
	 * @param name the setting's name after {@code portcullis.server.}
	 * @param fallback an example value, the app's default
	 * @throws IllegalArgumentException when {@code value} is not positive
	 */
	public static void requirePositive(Duration value, String name, String fallback) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(
					"portcullis.server." + name + " must be a positive duration such as " + fallback);
		}
	}

}
