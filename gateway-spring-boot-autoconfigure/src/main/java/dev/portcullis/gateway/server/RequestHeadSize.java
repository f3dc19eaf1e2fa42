package dev.portcullis.gateway.server;

import java.util.Map;

import dev.portcullis.contract.AccessTokenFormat;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sizes the request head ({@code server.max-http-request-header-size}) for the access cookie
 * when the application has not: Spring Boot's 8 KB would answer an oversized cookie with a bare
 * 431 from the server's parser, before the access check could answer 401 {@code token_invalid}.
 * The head gets room for an access token of {@code portcullis.gateway.max-token-size} and
 * {@link #ROOM} for the refresh cookie, the site's own cookies and the other headers: 16 KB with
 * the defaults. A value the application sets anywhere wins (this is the lowest-precedence
 * source), as does {@code portcullis.gateway.server-limits.enabled=false}.
 */
public class RequestHeadSize implements EnvironmentPostProcessor, Ordered {

	static final String HEADER_SIZE = "server.max-http-request-header-size";

	/** Beside the access token: Spring Boot's own default head, and a refresh cookie. */
	static final int ROOM = 12 * 1024;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("portcullis.gateway.enabled", Boolean.class, true)
				|| !environment.getProperty("portcullis.gateway.server-limits.enabled", Boolean.class, true)
				|| environment.containsProperty(HEADER_SIZE)) {
			return;
		}
		int maxTokenSize = environment.getProperty("portcullis.gateway.max-token-size", Integer.class,
				AccessTokenFormat.MAX_TOKEN_LENGTH);
		// whole kilobytes, rounded up: the value reads as one would write it
		long kilobytes = (Math.max(maxTokenSize, 0) + ROOM + 1023L) / 1024;
		environment.getPropertySources()
			.addLast(new MapPropertySource("portcullisRequestHead", Map.of(HEADER_SIZE, kilobytes + "KB")));
	}

	/** After the config files are read, so that a size they set is seen. */
	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

}
