package dev.portcullis.auth.aot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The settings that decide which beans the auth service has. Spring AOT ({@code process-aot})
 * takes those decisions when the jar is built; a service started from the jar's AOT code
 * ({@code -Dspring.aot.enabled=true}) cannot take them again. Their values at build time are
 * recorded in the jar ({@link #RESOURCE}) and compared with the run's: when one differs, the
 * service starts without the AOT code, so the setting is obeyed, and says so
 * ({@link FrozenSwitchesGuard}), instead of a service that silently ignores it.
 */
public final class FrozenSwitches {

	/** Where the build-time values are kept in the jar. */
	public static final String RESOURCE = "META-INF/portcullis/aot-switches.properties";

	static final String SCHEDULING = "portcullis.auth.scheduling.enabled";

	static final String TRACING_EXPORT = "management.tracing.export.enabled";

	static final String OTLP_ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	static final String MANAGEMENT_PORT = "management.server.port";

	static final String FLYWAY = "spring.flyway.enabled";

	static final String POOL = "spring.r2dbc.pool.enabled";

	static final String PROBES = "management.endpoint.health.probes.enabled";

	static final String PROBLEM_DETAILS = "spring.webflux.problemdetails.enabled";

	private FrozenSwitches() {
	}

	/**
	 * Each switch's decision in {@code environment}: {@code true}/{@code false}, {@code set}/
	 * {@code unset} for the tracing endpoint, and {@code SAME}/{@code DIFFERENT}/{@code DISABLED}
	 * for the management port (a port of its own is a second server, decided at build time; the
	 * port number itself is not).
	 */
	public static Map<String, String> of(Environment environment) {
		Map<String, String> switches = new LinkedHashMap<>();
		switches.put(SCHEDULING, flag(environment, SCHEDULING, true));
		switches.put(TRACING_EXPORT, flag(environment, TRACING_EXPORT, true));
		switches.put(OTLP_ENDPOINT, StringUtils.hasText(environment.getProperty(OTLP_ENDPOINT)) ? "set" : "unset");
		switches.put(MANAGEMENT_PORT, ManagementPortType.get(environment).name());
		switches.put(FLYWAY, flag(environment, FLYWAY, true));
		switches.put(POOL, flag(environment, POOL, true));
		switches.put(PROBES, flag(environment, PROBES, false));
		switches.put(PROBLEM_DETAILS, flag(environment, PROBLEM_DETAILS, false));
		return switches;
	}

	/** The record kept in the jar. */
	public static Properties record(Environment environment) {
		Properties record = new Properties();
		record.putAll(of(environment));
		return record;
	}

	/**
	 * What differs from {@code built}, as a sentence naming each setting, or null when every
	 * switch is as it was built.
	 */
	public static String changes(Properties built, Map<String, String> now) {
		List<String> changed = new ArrayList<>();
		now.forEach((name, value) -> {
			String then = built.getProperty(name);
			if (!value.equals(then)) {
				changed.add(name + " is " + value + " here but was " + then + " when the jar was built");
			}
		});
		if (changed.isEmpty()) {
			return null;
		}
		return String.join("; ", changed);
	}

	private static String flag(Environment environment, String name, boolean fallback) {
		String value = environment.getProperty(name);
		return (value == null || value.isBlank()) ? String.valueOf(fallback) : value.strip().toLowerCase(Locale.ROOT);
	}

}
