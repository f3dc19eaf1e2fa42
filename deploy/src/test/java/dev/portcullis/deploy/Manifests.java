package dev.portcullis.deploy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The objects under {@code deploy/kubernetes}, parsed by fabric8's Kubernetes model: the
 * kustomization rendered as {@code kubectl apply -k} would (it uses only {@code resources} and
 * {@code images}, which this applies exactly; any other Kustomize feature is refused, since this
 * could not render it), then the optional files.
 */
final class Manifests {

	static final Path REPO = Path.of(System.getProperty("portcullis.repository", "..")).toAbsolutePath().normalize();

	static final Path KUBERNETES = REPO.resolve("deploy/kubernetes");

	/** The kustomization's keys this renders exactly. */
	private static final Set<String> RENDERED_KEYS = Set.of("apiVersion", "kind", "resources", "images");

	private Manifests() {
	}

	/** What {@code kubectl apply -k deploy/kubernetes} applies. */
	@SuppressWarnings("unchecked")
	static List<HasMetadata> base() throws IOException {
		Map<String, Object> kustomization = new Yaml().load(Files.readString(KUBERNETES.resolve("kustomization.yaml")));
		assertThat(kustomization.keySet()).as("kustomization.yaml uses only what this check renders")
			.isSubsetOf(RENDERED_KEYS);
		Map<String, String> images = new HashMap<>();
		for (Map<String, Object> image : (List<Map<String, Object>>) kustomization.getOrDefault("images", List.of())) {
			assertThat(image.keySet()).as("images: name, newName, newTag").isSubsetOf(Set.of("name", "newName", "newTag"));
			String name = (String) image.get("name");
			images.put(name, image.getOrDefault("newName", name) + ":" + image.get("newTag"));
		}
		List<HasMetadata> objects = new ArrayList<>();
		for (String resource : (List<String>) kustomization.get("resources")) {
			objects.addAll(parse(KUBERNETES.resolve(resource)));
		}
		for (HasMetadata object : objects) {
			for (Container container : containers(object)) {
				if (images.containsKey(container.getImage())) {
					container.setImage(images.get(container.getImage()));
				}
			}
		}
		return objects;
	}

	/** The base and every optional file. */
	static List<HasMetadata> all() throws IOException {
		List<HasMetadata> objects = new ArrayList<>(base());
		for (Path file : optionalFiles()) {
			objects.addAll(parse(file));
		}
		return objects;
	}

	static List<Path> optionalFiles() throws IOException {
		try (Stream<Path> files = Files.list(KUBERNETES.resolve("optional"))) {
			return files.filter((file) -> file.toString().endsWith(".yaml")).sorted().toList();
		}
	}

	/** Every document of a file as its model class: an unknown kind or field fails. */
	static List<HasMetadata> parse(Path file) throws IOException {
		List<HasMetadata> objects = new ArrayList<>();
		for (Object document : new Yaml().loadAll(Files.readString(file))) {
			if (document == null) {
				continue;
			}
			Object parsed = Serialization.unmarshal(Serialization.asJson(document));
			assertThat(parsed).as(file + ": a Kubernetes object").isInstanceOf(HasMetadata.class);
			assertThat(parsed).as(file + ": a kind the Kubernetes model knows").isNotInstanceOf(GenericKubernetesResource.class);
			List<String> unknown = new ArrayList<>();
			unknownFields(parsed, ((HasMetadata) parsed).getKind(), unknown);
			assertThat(unknown).as(file + ": fields the Kubernetes model does not know (a typo?)").isEmpty();
			objects.add((HasMetadata) parsed);
		}
		return objects;
	}

	/** Fields the model kept aside as additional properties: names it has no field for. */
	private static void unknownFields(Object node, String path, List<String> unknown) {
		if (node instanceof Collection<?> list) {
			list.forEach((item) -> unknownFields(item, path + "[]", unknown));
			return;
		}
		if (node instanceof Map<?, ?> map) {
			map.forEach((key, value) -> unknownFields(value, path + "." + key, unknown));
			return;
		}
		if (!(node instanceof KubernetesResource)) {
			return;
		}
		for (Method getter : node.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
				continue;
			}
			Object value;
			try {
				value = getter.invoke(node);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(getter.toString(), ex);
			}
			if (getter.getName().equals("getAdditionalProperties")) {
				((Map<?, ?>) value).keySet().forEach((key) -> unknown.add(path + "." + key));
			}
			else if (value != null && !(value instanceof String)) {
				unknownFields(value, path + "." + getter.getName().substring(3), unknown);
			}
		}
	}

	static List<Container> containers(HasMetadata object) {
		if (object instanceof io.fabric8.kubernetes.api.model.apps.Deployment deployment) {
			return deployment.getSpec().getTemplate().getSpec().getContainers();
		}
		return List.of();
	}

	@SuppressWarnings("unchecked")
	static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
		return objects.stream().filter(kind::isInstance).map((object) -> (T) object).toList();
	}

	static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> kind, String name) {
		List<T> found = ofKind(objects, kind).stream().filter((object) -> object.getMetadata().getName().equals(name)).toList();
		assertThat(found).as(kind.getSimpleName() + " " + name).hasSize(1);
		return found.get(0);
	}

	/** Flattened keys of a YAML file: {@code management.server.port} and so on. */
	static Map<String, Object> flatYaml(Path file) throws IOException {
		Map<String, Object> flat = new LinkedHashMap<>();
		flatten("", new Yaml().load(Files.readString(file)), flat);
		return flat;
	}

	private static void flatten(String prefix, Object node, Map<String, Object> flat) {
		if (node instanceof Map<?, ?> map) {
			map.forEach((key, value) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, value, flat));
		}
		else {
			flat.put(prefix, node);
		}
	}

}
