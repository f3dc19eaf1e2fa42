package dev.portcullis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image recipe, read as Docker would: each app's stage exposes the port it serves and no
 * management port, checks its health where the app reports it, and the build context keeps
 * secrets and local state out while letting in everything the build copies.
 */
class ImageTests {

	/** Each app's served-port setting and, for the Spring Boot apps with one, its management port setting. */
	static final Map<String, List<String>> PORT_SETTINGS = Map.of("gateway", List.of("server.port", "management.server.port"),
			"auth-service", List.of("server.port", "management.server.port"), "sample-upstream", List.of("server.port"));

	@Test
	void dockerfileWhenBuiltPerAppThenExposesTheServedPortOnlyAndChecksHealthOnTheManagementPort() throws IOException {
		String dockerfile = Files.readString(Manifests.REPO.resolve("Dockerfile"));
		assertThat(dockerfile).as("the last stage is the app's own").containsPattern("\\nFROM app-\\$\\{MODULE}\\s*$");
		for (Map.Entry<String, List<String>> app : PORT_SETTINGS.entrySet()) {
			AppConfig config = AppConfig.of(app.getKey());
			String stage = stage(dockerfile, "app-" + app.getKey());
			AppConfig.Placeholder served = config.placeholder(app.getValue().get(0)).orElseThrow();
			assertThat(lines(stage, "EXPOSE")).as(app.getKey() + " exposes its served port only")
				.containsExactly("EXPOSE " + served.defaultValue());
			List<String> healthchecks = lines(stage, "HEALTHCHECK");
			assertThat(healthchecks).as(app.getKey() + " health check").hasSize(1);
			String check = healthchecks.get(0);
			if (app.getValue().size() > 1) {
				AppConfig.Placeholder management = config.placeholder(app.getValue().get(1)).orElseThrow();
				assertThat(check).as(app.getKey() + ": asks the management port, by the app's own variable")
					.contains("/dev/tcp/127.0.0.1/${" + management.variable() + ":-" + management.defaultValue() + "}")
					.contains("GET /actuator/health/readiness");
				assertThat(dockerfile).as("the management port is never EXPOSEd").doesNotContain("EXPOSE " + management.defaultValue());
			}
			else {
				assertThat(check).contains("/dev/tcp/127.0.0.1/${" + served.variable() + ":-" + served.defaultValue() + "}");
			}
		}
	}

	@Test
	void dockerignoreWhenReadThenDataAndSecretsStayOutAndWhatTheBuildCopiesGetsIn() throws IOException {
		List<String> patterns = Files.readAllLines(Manifests.REPO.resolve(".dockerignore"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		for (String secret : List.of("data/master-secret", "data/feed-secret", "data/sessions.csv", "data/portcullis.mv.db",
				"gateway/target/portcullis-gateway-0.1.0-SNAPSHOT-exec.jar", "auth-service/data/portcullis.mv.db", ".env",
				"gateway/.env", "tls.key", "bench/results/run.log", ".git/config", "e2e/browser/node_modules/x.js")) {
			assertThat(ignored(patterns, secret)).as(secret + " stays out of the build context").isTrue();
		}
		String dockerfile = Files.readString(Manifests.REPO.resolve("Dockerfile"));
		Matcher copies = Pattern.compile("^COPY (?!--from)(.+) \\S+$", Pattern.MULTILINE).matcher(dockerfile);
		List<String> copied = new ArrayList<>();
		while (copies.find()) {
			for (String source : copies.group(1).split("\\s+")) {
				copied.add(source);
				assertThat(ignored(patterns, source)).as(source + " is copied by the Dockerfile").isFalse();
			}
		}
		for (String source : List.of("gateway/src/main/java/dev/portcullis/gateway/app/GatewayApplication.java",
				"auth-service/src/main/resources/application.yml", ".mvn/wrapper/maven-wrapper.properties")) {
			assertThat(ignored(patterns, source)).as(source).isFalse();
		}
		// the reactor needs every module's pom.xml, even for -pl
		String pom = Files.readString(Manifests.REPO.resolve("pom.xml"));
		Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
		while (modules.find()) {
			String module = modules.group(1);
			assertThat(copied).as("the Dockerfile copies module " + module + " or its pom.xml")
				.containsAnyOf(module, module + "/pom.xml");
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void composeWhenRunThenAllowedOriginsComeFromTheEnvironmentWithTheLocalDefault() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(Manifests.REPO.resolve("docker-compose.yml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		Map<String, Object> gateway = (Map<String, Object>) services.get("gateway").get("environment");
		assertThat(gateway).containsEntry("PORTCULLIS_ALLOWED_ORIGINS", "${PORTCULLIS_ALLOWED_ORIGINS:-http://localhost:8080}");
	}

	/** Docker's rule: the last pattern matching the path or one of its parent directories decides. */
	static boolean ignored(List<String> patterns, String path) {
		boolean ignored = false;
		for (String pattern : patterns) {
			boolean negated = pattern.startsWith("!");
			Pattern regex = glob(negated ? pattern.substring(1) : pattern);
			String prefix = "";
			boolean matches = false;
			for (String part : path.split("/")) {
				prefix = prefix.isEmpty() ? part : prefix + "/" + part;
				matches |= regex.matcher(prefix).matches();
			}
			if (matches) {
				ignored = !negated;
			}
		}
		return ignored;
	}

	/**
	 * {@code ./quickstart} and the image run each app with the same JVM options, the auth service's
	 * heap and young generation from the same formula: two copies written by hand, held together
	 * here so that a change to one cannot leave the other behind.
	 */
	@Test
	void jvmOptionsWhenShippedThenQuickstartRunsEachAppAsTheImageDoes() throws IOException {
		String dockerfile = Files.readString(Manifests.REPO.resolve("Dockerfile"));
		String quickstart = Files.readString(Manifests.REPO.resolve("quickstart"));
		JvmOptions image = JvmOptions.fromDockerfile();
		// what both add to every app on Java 25, the image's JDK
		List<String> imageExtra = words(find(dockerfile, "echo \"\\$opts ([^\"]+)\" > /app/jvm.options"));
		List<String> quickstartExtra = new ArrayList<>(words(find(quickstart, "local common=\"([^\"]+)\"")));
		quickstartExtra.addAll(words(find(quickstart, "if \\[ \"\\$\\{java_major%%\\.\\*}\" -ge 25 ]; then common=\"\\$common ([^\"]+)\"")));
		quickstartExtra.add(find(quickstart, "java_extra=\"(--enable-native-access=ALL-UNNAMED)\""));
		Matcher auth = Pattern.compile("auth-service\\) local h=\\$\\(\\((\\d+) \\+ (\\d+) \\* \\$\\(nproc\\)\\)\\); "
				+ "\\[ \"\\$h\" -ge (\\d+) ] \\|\\| h=\\3\\s+echo \"\\$common ([^\"]+)\" ;;").matcher(quickstart);
		assertThat(auth.find()).as("quickstart's auth-service options and heap formula").isTrue();
		assertThat(List.of(Integer.parseInt(auth.group(1)), Integer.parseInt(auth.group(2)), Integer.parseInt(auth.group(3))))
			.as("the auth service's heap: base, per core, least")
			.containsExactly(image.heapBase(), image.heapPerCore(), image.heapMinimum());
		String youngInImage = find(dockerfile, "s/@YOUNG@/\\$\\(\\(h - (\\d+)\\)\\)/g");
		String authOptions = auth.group(4).replace("${h}", "@HEAP@").replace("$((h - " + youngInImage + "))", "@YOUNG@");
		Map<String, String> quickstartOptions = Map.of("auth-service", authOptions,
				"gateway", find(quickstart, "\\s+gateway\\) echo \"\\$common ([^\"]+)\" ;;"),
				"*", find(quickstart, "\\s+\\*\\) echo \"\\$common ([^\"]+)\" ;;"));
		for (Map.Entry<String, String> app : quickstartOptions.entrySet()) {
			List<String> fromQuickstart = new ArrayList<>(words(app.getValue()));
			fromQuickstart.addAll(quickstartExtra);
			List<String> fromImage = new ArrayList<>(words(image.options().get(app.getKey())));
			fromImage.addAll(imageExtra);
			assertThat(fromQuickstart).as(app.getKey() + ": quickstart's options are the image's")
				.containsExactlyInAnyOrderElementsOf(fromImage);
		}
	}

	private static String find(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		assertThat(matcher.find()).as(regex).isTrue();
		return matcher.group(1);
	}

	private static List<String> words(String line) {
		return List.of(line.trim().split("\\s+"));
	}

	private static Pattern glob(String pattern) {
		StringBuilder regex = new StringBuilder();
		for (int i = 0; i < pattern.length(); i++) {
			char c = pattern.charAt(i);
			if (pattern.startsWith("**/", i)) {
				regex.append("(.*/)?");
				i += 2;
			}
			else if (pattern.startsWith("**", i)) {
				regex.append(".*");
				i++;
			}
			else if (c == '*') {
				regex.append("[^/]*");
			}
			else if (c == '?') {
				regex.append("[^/]");
			}
			else {
				regex.append(Pattern.quote(String.valueOf(c)));
			}
		}
		return Pattern.compile(regex.toString());
	}

	/** A stage's text: from its FROM line to the next. */
	private static String stage(String dockerfile, String name) {
		int start = dockerfile.indexOf(" AS " + name + "\n");
		assertThat(start).as("stage " + name).isPositive();
		int end = dockerfile.indexOf("\nFROM ", start);
		return dockerfile.substring(start, (end < 0) ? dockerfile.length() : end);
	}

	/** Instructions of a kind, continuation lines joined. */
	private static List<String> lines(String stage, String instruction) {
		List<String> found = new ArrayList<>();
		for (String line : stage.replace("\\\n", " ").split("\n")) {
			if (line.startsWith(instruction + " ")) {
				found.add(line.replaceAll("\\s+", " ").strip());
			}
		}
		return found;
	}

}
