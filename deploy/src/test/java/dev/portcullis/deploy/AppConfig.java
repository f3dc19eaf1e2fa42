package dev.portcullis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an app's own {@code application.yml} says: the environment variables it reads and the
 * ports it opens, from its {@code ${VARIABLE:default}} placeholders.
 *
 * @param module the app's module, also its container's name
 * @param text the file as written
 * @param settings its keys, flattened
 */
record AppConfig(String module, String text, Map<String, Object> settings) {

	private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Z0-9_]+):([^}]*)}$");

	static AppConfig of(String module) throws IOException {
		var file = Manifests.REPO.resolve(module + "/src/main/resources/application.yml");
		return new AppConfig(module, Files.readString(file), Manifests.flatYaml(file));
	}

	/** Whether a {@code ${VARIABLE:...}} placeholder reads this variable. */
	boolean reads(String variable) {
		return this.text.contains("${" + variable + ":");
	}

	/** The variable and default of a setting written as {@code ${VARIABLE:default}}, if it is so written. */
	Optional<Placeholder> placeholder(String key) {
		Object value = this.settings.get(key);
		if (value == null) {
			return Optional.empty();
		}
		Matcher matcher = PLACEHOLDER.matcher(value.toString());
		assertThat(matcher.matches()).as(this.module + " " + key + " is ${VARIABLE:default}: " + value).isTrue();
		return Optional.of(new Placeholder(matcher.group(1), matcher.group(2)));
	}

	/** The port a setting opens: the pod's value of its variable, else the default. */
	int port(String key, Map<String, String> podEnvironment) {
		Placeholder placeholder = placeholder(key).orElseThrow(() -> new AssertionError(this.module + " sets no " + key));
		return Integer.parseInt(podEnvironment.getOrDefault(placeholder.variable(), placeholder.defaultValue()));
	}

	record Placeholder(String variable, String defaultValue) {
	}

}
