package dev.portcullis.gateway.server;

import java.time.Duration;

import dev.portcullis.server.ServerLimits;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's request body timeouts, bound from {@code portcullis.server.*} beside the
 * shared {@link ServerLimits}: the one part of the public port's limits whose defaults are the
 * gateway's own (an upstream reading a forwarded body slowly pauses it too).
 *
 * @param bodyReadTimeout longest pause between two reads of a request body
 * @param bodyTimeout longest time to receive a whole request body
 */
@Validated
@ConfigurationProperties("portcullis.server")
record BodyTimeouts(
		@NotNull @DefaultValue("20s") Duration bodyReadTimeout,
		@NotNull @DefaultValue("5m") Duration bodyTimeout) {

	BodyTimeouts {
		ServerLimits.requirePositive(bodyReadTimeout, "body-read-timeout", "20s");
		ServerLimits.requirePositive(bodyTimeout, "body-timeout", "5m");
	}

}
