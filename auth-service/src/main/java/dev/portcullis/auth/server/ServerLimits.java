package dev.portcullis.auth.server;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Connection-level limits of the public port, bound from {@code portcullis.server.*}: what one
 * client may hold of the auth service before it has sent a whole request. The header size limit
 * ({@code server.max-http-request-header-size}) and the keep-alive idle timeout
 * ({@code server.netty.idle-timeout}) are Spring Boot's own settings, set in the shipped
 * {@code application.yml}.
 *
 * @param headerTimeout longest time from a request's first byte to the end of its headers;
 * past it the connection is closed (the idle timeout restarts on every byte, so it cannot stop a
 * client trickling its headers)
 * @param maxHeaderCount most header lines in one request; more close the connection (tiny
 * headers cost the parser far more heap than their bytes)
 * @param maxConnections most open connections; a connection past it is closed at once
 * @param bodyReadTimeout longest pause between two reads of a request body
 * @param bodyTimeout longest time to receive a whole request body
 */
@Validated
@ConfigurationProperties("portcullis.server")
public record ServerLimits(
		@NotNull @DefaultValue("10s") Duration headerTimeout,
		@DefaultValue("100") int maxHeaderCount,
		@DefaultValue("1000") int maxConnections,
		@NotNull @DefaultValue("10s") Duration bodyReadTimeout,
		@NotNull @DefaultValue("30s") Duration bodyTimeout) {

	public ServerLimits {
		requirePositive(headerTimeout, "header-timeout", "10s");
		requirePositive(bodyReadTimeout, "body-read-timeout", "10s");
		requirePositive(bodyTimeout, "body-timeout", "30s");
		if (maxHeaderCount < 1) {
			throw new IllegalArgumentException("portcullis.server.max-header-count must be at least 1 (default 100)");
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("portcullis.server.max-connections must be at least 1 (default 1000)");
		}
	}

	private static void requirePositive(Duration value, String name, String fallback) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(
					"portcullis.server." + name + " must be a positive duration such as " + fallback);
		}
	}

}
