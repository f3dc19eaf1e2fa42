package dev.portcullis.gateway.tracing;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Decides once, before the context starts, whether this gateway traces: on when an OTLP endpoint
 * is set ({@code portcullis.tracing.otlp-endpoint}, from {@code PORTCULLIS_OTLP_ENDPOINT}, or Boot's
 * {@code management.opentelemetry.tracing.export.otlp.endpoint}) or when
 * {@code portcullis.tracing.enabled=true} (propagation and log correlation without an exporter).
 * The answer is published as {@code portcullis.tracing.active}, which application.yml uses to turn
 * on the server and proxy-call observations and Boot's trace export and propagation. Off, no
 * observation is made per request and no {@code traceparent} is added.
 */
public class TracingSwitch implements EnvironmentPostProcessor, Ordered {

	public static final String ACTIVE = "portcullis.tracing.active";

	public static final String ENABLED = "portcullis.tracing.enabled";

	public static final String ENDPOINT = "portcullis.tracing.otlp-endpoint";

	public static final String BOOT_ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	static final String CONTEXT_PROPAGATION = "spring.reactor.context-propagation";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> decided = new HashMap<>();
		String endpoint = environment.getProperty(BOOT_ENDPOINT);
		if (!StringUtils.hasText(endpoint)) {
			endpoint = environment.getProperty(ENDPOINT);
			if (StringUtils.hasText(endpoint)) {
				decided.put(BOOT_ENDPOINT, endpoint.strip());
			}
		}
		Boolean enabled = environment.getProperty(ENABLED, Boolean.class);
		boolean active = (enabled != null) ? enabled : StringUtils.hasText(endpoint);
		decided.put(ACTIVE, active);
		// the trace id reaches log lines written on whichever thread a reply arrives (a database
		// answer, an upstream's): Reactor restores it around every operator, a cost paid only
		// while tracing is on
		decided.put(CONTEXT_PROPAGATION, active ? "auto" : "limited");
		// lowest precedence: an explicit portcullis.tracing.active or Boot property still wins
		environment.getPropertySources().addLast(new MapPropertySource("portcullisTracing", decided));
	}

	/** After the config files are read, before Boot's log correlation looks at the export switch. */
	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

}
