package dev.portcullis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No cluster runs here, so the manifests are held against what can be known without one: the
 * Kubernetes model accepts every object, and what they say about the apps agrees with the apps'
 * own configuration and the image's JVM options.
 */
class KubernetesManifestsTests {

	static final String NAMESPACE = "portcullis";

	static final String GATEWAY = "portcullis-gateway";

	static final String AUTH_SERVICE = "portcullis-auth-service";

	static final String SAMPLE_UPSTREAM = "portcullis-sample-upstream";

	/** The rate limits' Redis: the one Deployment whose image is not built from our Dockerfile. */
	static final String REDIS = "portcullis-redis";

	static final int REDIS_PORT = 6379;

	/** The user the Redis image runs as. */
	static final long REDIS_USER = 999;

	/** The Spring Boot apps with a management port, by Deployment. */
	static final Map<String, String> MODULE_OF = Map.of(GATEWAY, "gateway", AUTH_SERVICE, "auth-service");

	/** The secrets each app cannot start without: set from a Secret, never optional. */
	static final Map<String, Set<String>> REQUIRED_SECRETS = Map.of(GATEWAY, Set.of("PORTCULLIS_FEED_SECRET"), AUTH_SERVICE,
			Set.of("PORTCULLIS_AUTH_MASTER_SECRET", "PORTCULLIS_FEED_SECRET", "PORTCULLIS_DB_USER", "PORTCULLIS_DB_PASSWORD"));

	/**
	 * Variables the pods set for settings an image may not read yet (the management ports'
	 * listening address, the admin secret): an app ignores a variable it does not read, so these
	 * are let through then, and checked like every other once its configuration reads them.
	 */

	/** Who may reach a port: anyone (the public port), the gateways, or the metrics scraper. */
	enum Source {

		ANYONE, GATEWAYS, SCRAPER

	}

	/** The scraper the policies name (docs/deployment.md says how to change it). */
	static final Map<String, String> SCRAPER_NAMESPACE = Map.of("kubernetes.io/metadata.name", "monitoring");

	static final Map<String, String> SCRAPER_POD = Map.of("app.kubernetes.io/name", "prometheus");

	/** Headroom in a memory limit over the JVM's caps: thread stacks, GC structures, the JIT, malloc. */
	static final long HEADROOM_MIB = 64;

	static List<HasMetadata> base;

	static List<HasMetadata> all;

	@BeforeAll
	static void render() throws IOException {
		base = Manifests.base();
		all = Manifests.all();
	}

	@Test
	void manifestsWhenParsedThenEveryFileIsAppliedAndEveryObjectIsAKnownKindInTheNamespace() throws IOException {
		Set<String> kinds = new TreeSet<>();
		base.forEach((object) -> kinds.add(object.getKind()));
		assertThat(kinds).containsExactlyInAnyOrder("Namespace", "ConfigMap", "Deployment", "Service",
				"PodDisruptionBudget", "NetworkPolicy");
		assertThat(all.stream().map(HasMetadata::getKind)).contains("HorizontalPodAutoscaler", "Ingress");
		assertThat(Manifests.ofKind(all, io.fabric8.kubernetes.api.model.Secret.class))
			.as("Secrets are referenced by name and key, their values are never written here")
			.isEmpty();
		for (HasMetadata object : all) {
			String what = object.getKind() + " " + object.getMetadata().getName();
			if (!(object instanceof Namespace)) {
				assertThat(object.getMetadata().getNamespace()).as(what).isEqualTo(NAMESPACE);
			}
			assertThat(object.getMetadata().getLabels()).as(what).containsEntry("app.kubernetes.io/part-of", "portcullis");
		}
		Map<String, Object> kustomization = new Yaml()
			.load(Files.readString(Manifests.KUBERNETES.resolve("kustomization.yaml")));
		Set<String> files = new TreeSet<>();
		try (Stream<Path> listed = Files.list(Manifests.KUBERNETES)) {
			listed.filter((file) -> file.toString().endsWith(".yaml"))
				.map((file) -> file.getFileName().toString())
				.filter((name) -> !name.equals("kustomization.yaml"))
				.forEach(files::add);
		}
		assertThat(files).as("every manifest beside kustomization.yaml is in its resources (optional ones go in optional/)")
			.containsExactlyInAnyOrderElementsOf(stringList(kustomization.get("resources")));
		assertThat(Manifests.named(base, Namespace.class, NAMESPACE).getMetadata().getLabels())
			.containsEntry("pod-security.kubernetes.io/enforce", "restricted");
		for (Deployment deployment : Manifests.ofKind(base, Deployment.class)) {
			assertThat(deployment.getSpec().getTemplate().getSpec().getContainers())
				.allSatisfy((container) -> assertThat(container.getImage()).as("image with the kustomization's tag").contains(":"));
		}
	}

	@Test
	void probesWhenReadThenOnTheManagementPortAndHealthGroupsTheAppServes() throws IOException {
		for (Map.Entry<String, String> app : MODULE_OF.entrySet()) {
			Deployment deployment = Manifests.named(base, Deployment.class, app.getKey());
			Container container = container(deployment, app.getValue());
			AppConfig config = AppConfig.of(app.getValue());
			Map<String, String> environment = environment(deployment);
			String what = app.getKey();
			assertThat(config.settings()).as(what + " health probes on").containsEntry("management.endpoint.health.probes.enabled", true);
			assertThat(config.settings().getOrDefault("management.endpoints.web.base-path", "/actuator")).as(what)
				.isEqualTo("/actuator");
			int management = config.port("management.server.port", environment);
			int server = config.port("server.port", environment);
			assertThat(management).as(what + ": the management port is its own").isNotEqualTo(server);
			Map<String, Probe> probes = new LinkedHashMap<>();
			probes.put("startup", container.getStartupProbe());
			probes.put("liveness", container.getLivenessProbe());
			probes.put("readiness", container.getReadinessProbe());
			probes.forEach((kind, probe) -> {
				assertThat(probe).as(what + " " + kind + " probe").isNotNull();
				HTTPGetAction get = probe.getHttpGet();
				assertThat(get).as(what + " " + kind + " probe over HTTP").isNotNull();
				assertThat(portNumber(container, get.getPort())).as(what + " " + kind + " probe port").isEqualTo(management);
				String group = kind.equals("readiness") ? "readiness" : "liveness";
				assertThat(get.getPath()).as(what + " " + kind + " probe path").isEqualTo("/actuator/health/" + group);
			});
			// the management port listens on loopback unless told otherwise: the pod must say all interfaces
			config.placeholder("management.server.address").ifPresent((address) -> assertThat(environment)
				.as(what + " " + address.variable()).containsEntry(address.variable(), "0.0.0.0"));
			Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
			assertThat(annotations).as(what + " scrape annotations")
				.containsEntry("prometheus.io/scrape", "true")
				.containsEntry("prometheus.io/port", String.valueOf(management))
				.containsEntry("prometheus.io/path", "/actuator/prometheus");
			assertThat(config.settings().get("management.endpoints.web.exposure.include").toString()).as(what)
				.contains("prometheus");
		}
	}

	@Test
	void secretsWhenReferencedThenTheOnesTheAppsRequireByNameAndKeyNeverByValue() throws IOException {
		for (Map.Entry<String, String> app : MODULE_OF.entrySet()) {
			Deployment deployment = Manifests.named(base, Deployment.class, app.getKey());
			Container container = container(deployment, app.getValue());
			AppConfig config = AppConfig.of(app.getValue());
			String what = app.getKey();
			Map<String, SecretKeySelector> fromSecrets = new HashMap<>();
			for (EnvVar variable : container.getEnv()) {
				if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
					fromSecrets.put(variable.getName(), variable.getValueFrom().getSecretKeyRef());
				}
				else {
					assertThat(variable.getName()).as(what + ": a secret written as a value").doesNotContain("SECRET", "PASSWORD");
				}
			}
			for (String required : REQUIRED_SECRETS.get(what)) {
				assertThat(config.reads(required)).as(what + " reads " + required).isTrue();
				assertThat(fromSecrets).as(what + " " + required).containsKey(required);
				SecretKeySelector reference = fromSecrets.get(required);
				assertThat(reference.getName()).as(what + " " + required + " Secret name").isNotBlank();
				assertThat(reference.getKey()).as(what + " " + required + " Secret key").isNotBlank();
				assertThat(reference.getOptional()).as(what + " " + required + " is required").isNotEqualTo(Boolean.TRUE);
			}
			// every secret the app's configuration reads comes from a Secret
			Matcher secrets = Pattern.compile("\\$\\{([A-Z0-9_]*(SECRET|PASSWORD)[A-Z0-9_]*):").matcher(config.text());
			while (secrets.find()) {
				assertThat(fromSecrets).as(what + " reads " + secrets.group(1) + ": set it from a Secret").containsKey(secrets.group(1));
			}
			// and every variable the pod sets is one the app reads
			Set<String> set = new TreeSet<>(environment(deployment).keySet());
			set.addAll(fromSecrets.keySet());
			for (String variable : set) {
				boolean springBoot = variable.startsWith("SPRING_"); // Spring Boot binds these itself
				if (!springBoot) {
					assertThat(config.reads(variable)).as(what + " sets " + variable + ": does " + app.getValue() + " read it?").isTrue();
				}
			}
			assertThat(set).as(what + ": the image's options are sized for the limits below").doesNotContain("JAVA_OPTS");
		}
		Deployment gateway = Manifests.named(base, Deployment.class, GATEWAY);
		Deployment auth = Manifests.named(base, Deployment.class, AUTH_SERVICE);
		assertThat(secretRef(gateway, "gateway", "PORTCULLIS_FEED_SECRET")).as("one feed secret for both")
			.isEqualTo(secretRef(auth, "auth-service", "PORTCULLIS_FEED_SECRET"));
		for (ConfigMap configMap : Manifests.ofKind(all, ConfigMap.class)) {
			assertThat(configMap.getData().keySet()).as(configMap.getMetadata().getName() + ": no secret in a ConfigMap")
				.allSatisfy((key) -> assertThat(key).doesNotContain("SECRET", "PASSWORD"));
		}
	}

	@Test
	void gatewayWhenConfiguredThenFindsTheAuthServiceAndTheUpstreamThroughTheirServices() {
		Map<String, String> environment = environment(Manifests.named(base, Deployment.class, GATEWAY));
		assertThat(environment.get("PORTCULLIS_AUTH_URI")).isEqualTo(serviceUri(AUTH_SERVICE));
		assertThat(environment.get("PORTCULLIS_UPSTREAM_URI")).isEqualTo(serviceUri(SAMPLE_UPSTREAM));
		assertThat(environment.get("PORTCULLIS_ALLOWED_ORIGINS")).as("the public origin").startsWith("https://");
	}

	/**
	 * The rate limits are on and every gateway replica takes from the same buckets: the
	 * manifests' Redis, which holds nothing worth keeping, cannot outgrow its pod and refuses
	 * no write when full.
	 */
	@Test
	void rateLimitsWhenDeployedThenOnWithBucketsInARedisThatCannotOutgrowItsPod() throws IOException {
		Map<String, String> environment = environment(Manifests.named(base, Deployment.class, GATEWAY));
		AppConfig gateway = AppConfig.of("gateway");
		assertThat(gateway.placeholder("portcullis.gateway.rate-limit.enabled").orElseThrow().variable())
			.isEqualTo("PORTCULLIS_RATE_LIMIT_ENABLED");
		assertThat(environment.get("PORTCULLIS_RATE_LIMIT_ENABLED")).as("rate limits on").isEqualTo("true");
		assertThat(gateway.placeholder("spring.data.redis.host").orElseThrow().variable()).isEqualTo("PORTCULLIS_REDIS_HOST");
		assertThat(environment.get("PORTCULLIS_REDIS_HOST")).as("the Redis Service").isEqualTo(REDIS);
		assertThat(gateway.port("spring.data.redis.port", environment)).isEqualTo(REDIS_PORT);
		Service service = Manifests.named(base, Service.class, REDIS);
		Deployment redis = Manifests.named(base, Deployment.class, REDIS);
		Container container = container(redis, "redis");
		assertThat(service.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(port.getPort()).isEqualTo(REDIS_PORT))
			.satisfies((port) -> assertThat(portNumber(container, port.getTargetPort())).isEqualTo(REDIS_PORT));
		assertThat(selects(service.getSpec().getSelector(), redis.getSpec().getTemplate().getMetadata().getLabels())).isTrue();
		List<String> args = container.getArgs();
		assertThat(args).as("nothing kept across restarts").containsSequence("--save", "").containsSequence("--appendonly", "no");
		assertThat(args).as("past its memory cap it drops buckets, never refuses a write")
			.containsSequence("--maxmemory-policy", "allkeys-lru");
		int cap = args.indexOf("--maxmemory");
		assertThat(cap).as("a memory cap").isNotNegative();
		Matcher megabytes = Pattern.compile("(\\d+)mb").matcher(args.get(cap + 1));
		assertThat(megabytes.matches()).as("--maxmemory in mb: " + args.get(cap + 1)).isTrue();
		long limit = mib(container.getResources().getLimits().get("memory"));
		assertThat(Long.parseLong(megabytes.group(1))).as("Redis's cap under its memory limit, with room for its own overhead")
			.isLessThanOrEqualTo(limit / 2);
		assertThat(mib(container.getResources().getRequests().get("memory"))).isLessThanOrEqualTo(limit);
	}

	/**
	 * Every port an app opens (its server port and management port, numbers from its own
	 * configuration and its pod's variables) is declared, and reachable only from whom it is
	 * meant for: a deny-all policy covers every pod, and the policies that open a port open it to
	 * exactly its sources. Management ports are in no Service.
	 */
	@Test
	void portsWhenOpenedThenExposedOnPurposeOrClosedByPolicy() throws IOException {
		Map<String, Map<String, Source>> expected = Map.of(
				GATEWAY, Map.of("server.port", Source.ANYONE, "management.server.port", Source.SCRAPER),
				AUTH_SERVICE, Map.of("server.port", Source.GATEWAYS, "management.server.port", Source.SCRAPER),
				SAMPLE_UPSTREAM, Map.of("server.port", Source.GATEWAYS));
		List<NetworkPolicy> policies = Manifests.ofKind(all, NetworkPolicy.class);
		assertThat(policies).as("a default deny for every pod in the namespace").anySatisfy((policy) -> {
			assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
			assertThat(policy.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
			assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
			assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
		});
		for (Deployment deployment : Manifests.ofKind(all, Deployment.class)) {
			String name = deployment.getMetadata().getName();
			Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
			Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
			Map<Integer, Source> ports = new HashMap<>();
			if (name.equals(REDIS)) {
				ports.put(REDIS_PORT, Source.GATEWAYS);
			}
			else {
				assertThat(expected).as(name + ": a Deployment this check knows").containsKey(name);
				AppConfig config = AppConfig.of(container.getName());
				Map<String, String> environment = environment(deployment);
				for (String setting : List.of("server.port", "management.server.port")) {
					if (config.placeholder(setting).isPresent()) {
						assertThat(expected.get(name)).as(name + " opens " + setting).containsKey(setting);
						ports.put(config.port(setting, environment), expected.get(name).get(setting));
					}
				}
				assertThat(ports).as(name + ": the ports the app opens").hasSameSizeAs(expected.get(name));
			}
			assertThat(container.getPorts().stream().map(ContainerPort::getContainerPort))
				.as(name + ": every port it opens is declared").containsExactlyInAnyOrderElementsOf(ports.keySet());
			for (Map.Entry<Integer, Source> port : ports.entrySet()) {
				Set<Source> sources = new HashSet<>();
				for (NetworkPolicy policy : policies) {
					if (!selects(policy.getSpec().getPodSelector(), labels) || policy.getSpec().getIngress() == null) {
						continue;
					}
					for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
						if (covers(rule.getPorts(), container, port.getKey())) {
							sources.addAll(sources(rule));
						}
					}
				}
				assertThat(sources).as(name + " port " + port.getKey() + " is open to").containsExactly(port.getValue());
				boolean inService = Manifests.ofKind(all, Service.class)
					.stream()
					.filter((service) -> selects(service.getSpec().getSelector(), labels))
					.flatMap((service) -> service.getSpec().getPorts().stream())
					.anyMatch((servicePort) -> portNumber(container, servicePort.getTargetPort()) == port.getKey());
				assertThat(inService).as(name + " port " + port.getKey() + " in a Service").isEqualTo(port.getValue() != Source.SCRAPER);
			}
		}
		for (Service service : Manifests.ofKind(all, Service.class)) {
			assertThat(service.getSpec().getType()).as(service.getMetadata().getName() + ": published by the Ingress, if at all")
				.isEqualTo("ClusterIP");
		}
	}

	@Test
	void resourcesWhenLimitedThenFitTheImagesJvmOptions() throws IOException {
		JvmOptions image = JvmOptions.fromDockerfile();
		for (Deployment deployment : builtHere()) {
			String name = deployment.getMetadata().getName();
			Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
			Map<String, Quantity> limits = container.getResources().getLimits();
			Map<String, Quantity> requests = container.getResources().getRequests();
			assertThat(limits).as(name + " limits").containsKeys("cpu", "memory");
			assertThat(requests).as(name + " requests").containsKeys("cpu", "memory");
			int cores = (int) Math.ceil(Quantity.getAmountInBytes(limits.get("cpu")).doubleValue());
			JvmOptions.Footprint footprint = image.footprint(container.getName(), cores);
			long limit = mib(limits.get("memory"));
			long request = mib(requests.get("memory"));
			String what = name + " (" + footprint + ")";
			assertThat(limit).as(what + ": memory limit covers the JVM's caps and " + HEADROOM_MIB + " MiB")
				.isGreaterThanOrEqualTo(footprint.capsMib() + HEADROOM_MIB)
				.as(what + ": memory limit not far beyond them")
				.isLessThanOrEqualTo(2 * (footprint.capsMib() + HEADROOM_MIB));
			assertThat(request).as(what + ": memory request holds the heap").isGreaterThanOrEqualTo(footprint.heapMib())
				.isLessThanOrEqualTo(limit);
			assertThat(Quantity.getAmountInBytes(requests.get("cpu")))
				.isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get("cpu")));
		}
	}

	@Test
	void podsWhenRunThenNonRootWithAReadOnlyRootAndNoPrivilegeOrCapability() throws IOException {
		long imageUser = JvmOptions.imageUser();
		for (Deployment deployment : Manifests.ofKind(all, Deployment.class)) {
			String name = deployment.getMetadata().getName();
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			PodSecurityContext podSecurity = pod.getSecurityContext();
			assertThat(podSecurity.getRunAsNonRoot()).as(name).isTrue();
			assertThat(podSecurity.getRunAsUser()).as(name + ": the image's user")
				.isEqualTo(name.equals(REDIS) ? REDIS_USER : imageUser);
			assertThat(podSecurity.getSeccompProfile().getType()).as(name).isEqualTo("RuntimeDefault");
			assertThat(pod.getAutomountServiceAccountToken()).as(name + ": no API token, it never calls the API").isFalse();
			for (Container container : pod.getContainers()) {
				SecurityContext security = container.getSecurityContext();
				assertThat(security.getAllowPrivilegeEscalation()).as(name).isFalse();
				assertThat(security.getReadOnlyRootFilesystem()).as(name).isTrue();
				assertThat(security.getCapabilities().getDrop()).as(name).containsExactly("ALL");
				assertThat(security.getCapabilities().getAdd()).as(name).isNullOrEmpty();
				assertThat(security.getPrivileged()).as(name).isNotEqualTo(Boolean.TRUE);
				// the JVM's perf data and Netty's native library; Redis's working directory
				String writable = name.equals(REDIS) ? "/data" : "/tmp";
				String mounted = container.getVolumeMounts()
					.stream()
					.filter((mount) -> mount.getMountPath().equals(writable))
					.map((mount) -> mount.getName())
					.findFirst()
					.orElseThrow(() -> new AssertionError(name + ": " + writable + " must be writable"));
				Volume volume = pod.getVolumes().stream().filter((candidate) -> candidate.getName().equals(mounted)).findFirst().orElseThrow();
				assertThat(volume.getEmptyDir()).as(name + " " + writable).isNotNull();
			}
		}
	}

	@Test
	void replicasWhenDeployedThenTwoOrMoreWithADisruptionBudgetAndAnOptionalAutoscaler() {
		for (String name : MODULE_OF.keySet()) {
			Deployment deployment = Manifests.named(base, Deployment.class, name);
			assertThat(deployment.getSpec().getReplicas()).as(name).isGreaterThanOrEqualTo(2);
			assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()).as(name + " rolls without a gap")
				.isEqualTo(new IntOrString(0));
			Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
			assertThat(selects(deployment.getSpec().getSelector(), labels)).as(name + " selects its pods").isTrue();
			PodDisruptionBudget budget = Manifests.named(base, PodDisruptionBudget.class, name);
			assertThat(selects(budget.getSpec().getSelector(), labels)).as(name + " budget").isTrue();
			assertThat(budget.getSpec().getMaxUnavailable()).as(name + ": one pod at a time").isEqualTo(new IntOrString(1));
			HorizontalPodAutoscaler autoscaler = Manifests.named(all, HorizontalPodAutoscaler.class, name);
			assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
			assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
			assertThat(autoscaler.getSpec().getMinReplicas()).as(name).isGreaterThanOrEqualTo(deployment.getSpec().getReplicas());
			assertThat(autoscaler.getSpec().getMaxReplicas()).as(name).isGreaterThan(autoscaler.getSpec().getMinReplicas());
		}
		assertThat(Manifests.ofKind(base, HorizontalPodAutoscaler.class)).as("the autoscalers are optional").isEmpty();
	}

	// ------------------------------------------------------------------------------------------

	/** The Deployments that run an image built from the project's Dockerfile (all but Redis). */
	private static List<Deployment> builtHere() {
		return Manifests.ofKind(all, Deployment.class).stream().filter((deployment) -> !deployment.getMetadata().getName().equals(REDIS)).toList();
	}

	private static Container container(Deployment deployment, String module) {
		return deployment.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.stream()
			.filter((container) -> container.getName().equals(module))
			.findFirst()
			.orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " has no container " + module));
	}

	/** The variables a pod gets as plain values: its ConfigMaps (envFrom), then its own env values. */
	private static Map<String, String> environment(Deployment deployment) {
		Map<String, String> environment = new LinkedHashMap<>();
		Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
		for (EnvFromSource source : container.getEnvFrom()) {
			assertThat(source.getSecretRef()).as("secrets one by one, by key").isNull();
			ConfigMap configMap = Manifests.named(all, ConfigMap.class, source.getConfigMapRef().getName());
			environment.putAll(configMap.getData());
		}
		if (container.getEnv() != null) {
			for (EnvVar variable : container.getEnv()) {
				if (variable.getValue() != null) {
					environment.put(variable.getName(), variable.getValue());
				}
			}
		}
		return environment;
	}

	private static SecretKeySelector secretRef(Deployment deployment, String module, String variable) {
		return container(deployment, module).getEnv()
			.stream()
			.filter((env) -> env.getName().equals(variable))
			.findFirst()
			.orElseThrow()
			.getValueFrom()
			.getSecretKeyRef();
	}

	private static String serviceUri(String name) {
		Service service = Manifests.named(all, Service.class, name);
		ServicePort port = service.getSpec().getPorts().get(0);
		return "http://" + name + ":" + port.getPort();
	}

	private static int portNumber(Container container, IntOrString port) {
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		return container.getPorts()
			.stream()
			.filter((candidate) -> port.getStrVal().equals(candidate.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
	}

	/** Whether a rule's ports take in this port (no ports: all of them). */
	private static boolean covers(List<NetworkPolicyPort> ports, Container container, int port) {
		if (ports == null || ports.isEmpty()) {
			return true;
		}
		for (NetworkPolicyPort candidate : ports) {
			assertThat(candidate.getProtocol()).isIn(null, "TCP");
			if (candidate.getPort() == null || portNumber(container, candidate.getPort()) == port) {
				return true;
			}
		}
		return false;
	}

	/** Whom a rule lets in, as far as these manifests go: anything else fails. */
	private static Set<Source> sources(NetworkPolicyIngressRule rule) {
		if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
			return Set.of(Source.ANYONE);
		}
		Set<Source> sources = new HashSet<>();
		for (NetworkPolicyPeer peer : rule.getFrom()) {
			assertThat(peer.getIpBlock()).as("no address blocks").isNull();
			LabelSelector namespace = peer.getNamespaceSelector();
			LabelSelector pods = peer.getPodSelector();
			if (namespace == null && pods != null && Map.of("app.kubernetes.io/name", GATEWAY).equals(pods.getMatchLabels())) {
				sources.add(Source.GATEWAYS);
			}
			else if (namespace != null && SCRAPER_NAMESPACE.equals(namespace.getMatchLabels()) && pods != null
					&& SCRAPER_POD.equals(pods.getMatchLabels())) {
				sources.add(Source.SCRAPER);
			}
			else {
				throw new AssertionError("a peer neither the gateways nor the scraper: " + peer);
			}
		}
		return sources;
	}

	private static boolean selects(LabelSelector selector, Map<String, String> labels) {
		assertThat(selector.getMatchExpressions()).as("selectors by labels only").isNullOrEmpty();
		return selects(selector.getMatchLabels(), labels);
	}

	private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
		return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
	}

	private static long mib(Quantity quantity) {
		return Quantity.getAmountInBytes(quantity).longValue() / (1024 * 1024);
	}

	@SuppressWarnings("unchecked")
	private static List<String> stringList(Object value) {
		return new ArrayList<>((List<String>) value);
	}

}
