package dev.portcullis.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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

	/**
	 * Compose runs the rate limits on, with one Redis for every gateway, while the gateway's own
	 * default (the quickstart's) is off, needing no Redis.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void composeWhenReadThenEveryGatewayHasRateLimitsOnInTheSharedRedis() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		assertThat(services.get("redis")).containsKeys("healthcheck", "restart").doesNotContainKey("ports");
		for (String gateway : List.of("gateway", "gateway-2")) {
			Map<String, Object> environment = (Map<String, Object>) services.get(gateway).get("environment");
			assertThat(environment).as(gateway)
				.containsEntry("PORTCULLIS_RATE_LIMIT_ENABLED", "true")
				.containsEntry("PORTCULLIS_REDIS_HOST", "redis");
			Map<String, Map<String, Object>> dependsOn = (Map<String, Map<String, Object>>) services.get(gateway)
				.get("depends_on");
			assertThat(dependsOn.get("redis")).as(gateway).containsEntry("condition", "service_healthy");
		}
		assertThat(Files.readString(REPO.resolve(CONFIG_OF.get("gateway"))))
			.contains("enabled: ${PORTCULLIS_RATE_LIMIT_ENABLED:false}");
	}

	/** Each app's management port setting: the variable compose may set, and the default in its config. */
	static final Map<String, String> MANAGEMENT_PORT_VARIABLE = Map.of("gateway", "PORTCULLIS_MANAGEMENT_PORT",
			"auth-service", "PORTCULLIS_AUTH_MANAGEMENT_PORT");

	/** Each app's management address setting: loopback in its config, opened by compose. */
	static final Map<String, String> MANAGEMENT_ADDRESS_VARIABLE = Map.of("gateway", "PORTCULLIS_MANAGEMENT_ADDRESS",
			"auth-service", "PORTCULLIS_AUTH_MANAGEMENT_ADDRESS");

	/**
	 * Outside compose (./quickstart, a plain java -jar) the management ports listen on loopback
	 * only; in compose Prometheus reaches them over the private network, so each app service opens
	 * its own there, and none publishes it.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void composeWhenReadThenManagementPortsLoopbackByDefaultAndOpenOnlyOnTheComposeNetwork() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		List<String> opened = new ArrayList<>();
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			String module = module(service.getValue());
			String variable = MANAGEMENT_ADDRESS_VARIABLE.get(module);
			if (variable == null) {
				continue;
			}
			assertThat(defaultOf(CONFIG_OF.get(module), variable)).as(variable + " default").isEqualTo("127.0.0.1");
			Map<String, Object> environment = (Map<String, Object>) service.getValue().getOrDefault("environment", Map.of());
			assertThat(environment).as(service.getKey()).containsEntry(variable, "0.0.0.0");
			String port = defaultOf(CONFIG_OF.get(module), MANAGEMENT_PORT_VARIABLE.get(module));
			assertThat((List<String>) service.getValue().getOrDefault("ports", List.of())).as(service.getKey() + " ports")
				.noneMatch((published) -> published.endsWith(":" + port));
			opened.add(service.getKey());
		}
		assertThat(opened).contains("gateway", "auth-service", "gateway-2", "auth-service-2");
	}

	/**
	 * The Portcullis meters the dashboard charts, as the apps register them (Micrometer names),
	 * and their kinds; the dashboard may query only
	 * their Prometheus series.
	 */
	static final Map<String, MeterKind> METERS = Map.ofEntries(
			Map.entry("portcullis.gateway.decisions", MeterKind.COUNTER),
			Map.entry("portcullis.gateway.token.verification", MeterKind.TIMER),
			Map.entry("portcullis.gateway.jwks.age", MeterKind.GAUGE_SECONDS),
			Map.entry("portcullis.gateway.jwks.fetches", MeterKind.COUNTER),
			Map.entry("portcullis.gateway.revocation.feed.lag", MeterKind.GAUGE_SECONDS),
			Map.entry("portcullis.gateway.revocation.feed.connected", MeterKind.GAUGE),
			Map.entry("portcullis.auth.logins", MeterKind.COUNTER),
			Map.entry("portcullis.auth.registrations", MeterKind.COUNTER),
			Map.entry("portcullis.auth.refreshes", MeterKind.COUNTER),
			Map.entry("portcullis.auth.logouts", MeterKind.COUNTER),
			Map.entry("portcullis.auth.sessions.started", MeterKind.COUNTER),
			Map.entry("portcullis.auth.hashing.queued", MeterKind.GAUGE),
			Map.entry("portcullis.auth.hashing.wait", MeterKind.TIMER),
			Map.entry("portcullis.auth.hashing.duration", MeterKind.TIMER),
			Map.entry("portcullis.auth.signing", MeterKind.TIMER),
			Map.entry("portcullis.auth.errors", MeterKind.COUNTER));

	enum MeterKind {

		COUNTER("_total"), TIMER("_seconds_count", "_seconds_sum", "_seconds_max", "_seconds_bucket"),
		GAUGE(""), GAUGE_SECONDS("_seconds");

		final List<String> suffixes;

		MeterKind(String... suffixes) {
			this.suffixes = List.of(suffixes);
		}

	}

	private static final Pattern SERIES = Pattern.compile("portcullis_[a-z0-9_]+");

	@Test
	@SuppressWarnings("unchecked")
	void composeWhenReadThenPrometheusScrapesEveryAppsManagementPort() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		Map<String, Object> prometheus = services.get("prometheus");
		assertThat(prometheus).as("prometheus runs without a profile").isNotNull().doesNotContainKey("profiles");
		assertThat((List<String>) prometheus.get("volumes"))
			.contains("./ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
		Map<String, Object> config = new Yaml().load(Files.readString(REPO.resolve("ops/prometheus/prometheus.yml")));
		Set<String> scraped = new HashSet<>();
		for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
			assertThat(job).as(job.get("job_name").toString()).containsEntry("metrics_path", "/actuator/prometheus");
			for (Map<String, Object> targets : (List<Map<String, Object>>) job.get("static_configs")) {
				scraped.addAll((List<String>) targets.get("targets"));
			}
		}
		List<String> apps = new ArrayList<>();
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			String variable = MANAGEMENT_PORT_VARIABLE.get(module(service.getValue()));
			if (variable == null) {
				continue;
			}
			Map<String, Object> environment = (Map<String, Object>) service.getValue().getOrDefault("environment", Map.of());
			String port = (environment.get(variable) != null) ? environment.get(variable).toString()
					: defaultOf(CONFIG_OF.get(module(service.getValue())), variable);
			apps.add(service.getKey() + ":" + port);
		}
		assertThat(apps).contains("gateway:9080", "auth-service:9081", "gateway-2:9080", "auth-service-2:9081");
		assertThat(scraped).as("Prometheus scrapes exactly the apps' management ports").containsExactlyInAnyOrderElementsOf(apps);
	}

	@Test
	@SuppressWarnings("unchecked")
	void composeWhenObservabilityProfileThenGrafanaProvisionedWithPrometheusAndTheDashboard() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		Map<String, Object> grafana = services.get("grafana");
		assertThat(grafana).containsEntry("profiles", List.of("observability"));
		List<String> volumes = (List<String>) grafana.get("volumes");
		assertThat(volumes).contains("./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
				"./ops/grafana/portcullis.json:/var/lib/grafana/dashboards/portcullis.json:ro");
		Map<String, Object> datasources = new Yaml()
			.load(Files.readString(REPO.resolve("ops/grafana/provisioning/datasources/prometheus.yml")));
		assertThat((List<Map<String, Object>>) datasources.get("datasources"))
			.anySatisfy((source) -> assertThat(source).containsEntry("url", "http://prometheus:9090")
				.containsEntry("uid", "portcullis-prometheus"));
		Map<String, Object> dashboards = new Yaml()
			.load(Files.readString(REPO.resolve("ops/grafana/provisioning/dashboards/portcullis.yml")));
		assertThat((List<Map<String, Object>>) dashboards.get("providers"))
			.anySatisfy((provider) -> assertThat((Map<String, Object>) provider.get("options"))
				.containsEntry("path", "/var/lib/grafana/dashboards"));
	}

	@Test
	void dashboardWhenReadThenValidJsonQueryingOnlyPortcullisMetersThatExist() throws IOException {
		Map<String, Object> dashboard;
		try {
			dashboard = JSONObjectUtils.parse(Files.readString(REPO.resolve("ops/grafana/portcullis.json")));
		}
		catch (java.text.ParseException ex) {
			fail("ops/grafana/portcullis.json is not JSON: " + ex.getMessage());
			return;
		}
		assertThat(dashboard).containsEntry("uid", "portcullis");
		List<String> expressions = new ArrayList<>();
		collectExpressions(dashboard, expressions);
		assertThat(expressions).hasSizeGreaterThanOrEqualTo(15);
		Set<String> known = new HashSet<>();
		METERS.forEach((name, kind) -> kind.suffixes.forEach((suffix) -> known.add(name.replace('.', '_') + suffix)));
		Set<String> used = new TreeSet<>();
		for (String expression : expressions) {
			Matcher series = SERIES.matcher(expression);
			while (series.find()) {
				used.add(series.group());
			}
		}
		assertThat(used).as("series the dashboard queries").isSubsetOf(known);
		Set<String> meters = new TreeSet<>();
		for (String series : used) {
			METERS.forEach((name, kind) -> kind.suffixes.stream()
				.filter((suffix) -> series.equals(name.replace('.', '_') + suffix))
				.forEach((suffix) -> meters.add(name)));
		}
		assertThat(meters).as("every meter has a panel").containsExactlyInAnyOrderElementsOf(METERS.keySet());
		assertThat(expressions).anySatisfy((expression) -> assertThat(expression).contains("outcome=\"reuse_detected\""))
			.anySatisfy((expression) -> assertThat(expression).contains("code=\"unavailable\""))
			.anySatisfy((expression) -> assertThat(expression).contains("histogram_quantile(0.99"));
	}

	@SuppressWarnings("unchecked")
	private static void collectExpressions(Object node, List<String> expressions) {
		if (node instanceof Map<?, ?> map) {
			if (map.get("expr") instanceof String expression) {
				expressions.add(expression);
			}
			map.values().forEach((value) -> collectExpressions(value, expressions));
		}
		else if (node instanceof List<?> list) {
			list.forEach((value) -> collectExpressions(value, expressions));
		}
	}

	/** The default of {@code ${variable:default}} in an app's config file. */
	private static String defaultOf(String configFile, String variable) throws IOException {
		Matcher setting = Pattern.compile(Pattern.quote("${" + variable + ":") + "([^}]+)}")
			.matcher(Files.readString(REPO.resolve(configFile)));
		assertThat(setting.find()).as(variable + " in " + configFile).isTrue();
		return setting.group(1);
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
