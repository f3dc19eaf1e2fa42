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
			String configFile = CONFIG_OF.get(module(service.getValue()));
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
		for (String secret : List.of("PORTCULLIS_AUTH_MASTER_SECRET", "PORTCULLIS_FEED_SECRET", "PORTCULLIS_DB_PASSWORD")) {
			assertThat(compose).contains(secret + ": ${" + secret + ":?");
		}
		assertThat(Files.readString(REPO.resolve("Dockerfile"))).contains("MODULE");
	}

	@Test
	@SuppressWarnings("unchecked")
	void composeWhenReplicasProfileThenSecondGatewayIsFedBySecondAuthServiceWithTheSameFeedSecret() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		assertThat(services.get("auth-service-2")).containsEntry("profiles", List.of("replicas"));
		assertThat(services.get("gateway-2")).containsEntry("profiles", List.of("replicas"));
		Map<String, Object> gateway2 = (Map<String, Object>) services.get("gateway-2").get("environment");
		assertThat(gateway2).containsEntry("PORTCULLIS_AUTH_URI", "http://auth-service-2:8081");
		for (String service : List.of("auth-service", "auth-service-2", "gateway", "gateway-2")) {
			Map<String, Object> environment = (Map<String, Object>) services.get(service).get("environment");
			assertThat(environment).as(service).containsKey("PORTCULLIS_FEED_SECRET");
		}
	}

	/**
	 * Outside compose the sample upstream listens on loopback and the auth service has no default
	 * database user; in compose the upstream must be reachable by the gateway containers and every
	 * auth service names its user.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void composeWhenReadThenUpstreamListensOnTheNetworkAndEveryAuthServiceNamesItsDatabaseUser() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		Map<String, Object> upstream = (Map<String, Object>) services.get("sample-upstream").get("environment");
		assertThat(upstream).containsEntry("PORTCULLIS_UPSTREAM_ADDRESS", "0.0.0.0");
		assertThat(services.get("sample-upstream")).as("the upstream trusts X-User-*: never published").doesNotContainKey("ports");
		for (String service : List.of("auth-service", "auth-service-2")) {
			Map<String, Object> environment = (Map<String, Object>) services.get(service).get("environment");
			assertThat(environment).as(service).containsKey("PORTCULLIS_DB_USER");
		}
	}

	/** The app a service runs: its image's build argument MODULE, or its own name. */
	@SuppressWarnings("unchecked")
	private static String module(Map<String, Object> service) {
		Object build = service.get("build");
		if (build instanceof Map<?, ?> map && map.get("args") instanceof Map<?, ?> args && args.get("MODULE") != null) {
			return args.get("MODULE").toString();
		}
		return "";
	}

}
