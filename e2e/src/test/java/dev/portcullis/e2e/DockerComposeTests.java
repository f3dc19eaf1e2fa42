package dev.portcullis.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * There is no Docker engine to run docker-compose.yml in the test suite, so check what can be
 * checked: every service has a health check and restart policy, and every environment variable
 * it sets is one the app actually reads.
 */
class DockerComposeTests {

	static final Path REPO = Path.of(System.getProperty("portcullis.repository", ".."));

	static final Map<String, String> CONFIG_OF = Map.of("auth-service", "auth-service/src/main/resources/application.yml",
			"gateway", "gateway/src/main/resources/application.yml", "sample-upstream",
			"sample-upstream/src/main/resources/application.yml");

	@Test
	@SuppressWarnings("unchecked")
	void composeWhenReadThenEveryAppVariableIsReadByThatAppAndEveryServiceIsWatched() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		assertThat(services).containsKeys("postgres", "auth-service", "gateway", "sample-upstream");
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			assertThat(service.getValue()).as(service.getKey()).containsKeys("healthcheck", "restart");
			String configFile = CONFIG_OF.get(service.getKey());
			Map<String, Object> environment = (Map<String, Object>) service.getValue().getOrDefault("environment", Map.of());
			if (configFile == null) {
				continue;
			}
			String config = Files.readString(REPO.resolve(configFile));
			for (String variable : environment.keySet()) {
				assertThat(config).as(variable + " set for " + service.getKey() + " must be read by " + configFile)
					.contains("${" + variable + ":");
			}
		}
	}

	@Test
	void composeWhenSecretsNeededThenTakenFromTheEnvironmentNotWrittenDown() throws IOException {
		String compose = Files.readString(REPO.resolve("docker-compose.yml"));
		for (String secret : List.of("PORTCULLIS_AUTH_MASTER_SECRET", "PORTCULLIS_DB_PASSWORD")) {
			assertThat(compose).contains(secret + ": ${" + secret + ":?");
		}
		assertThat(Files.readString(REPO.resolve("Dockerfile"))).contains("MODULE");
	}

}
