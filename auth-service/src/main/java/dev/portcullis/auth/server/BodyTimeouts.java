package dev.portcullis.auth.server;

import java.time.Duration;

import dev.portcullis.server.ServerLimits;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The auth service's request body timeouts, bound from {@code portcullis.server.*} beside the
 * shared {@link ServerLimits}: the one part of the public port's limits whose defaults are the
 * auth service's own (its request bodies are small).
 *
 * @param bodyReadTimeout longest pause between two reads of a request body
 * @param bodyTimeout longest time to receive a whole request body
 */
@Validated
@ConfigurationProperties("portcullis.server")
record BodyTimeouts(
		@NotNull @DefaultValue("10s") Duration bodyReadTimeout,
		@NotNull @DefaultValue("30s") Duration bodyTimeout) {

	BodyTimeouts {
		ServerLimits.requirePositive(bodyReadTimeout, "body-read-timeout", "10s");
		ServerLimits.requirePositive(bodyTimeout, "body-timeout", "30s");
	}

}
