package dev.portcullis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's default JVM options per app, as the Dockerfile writes them, and the memory they
 * allow: the heap (for the auth service, the formula its entry point applies to the cores it
 * may use) plus the caps on metaspace, code cache and direct memory.
 *
 * @param options the options per module ({@code *} for the others), {@code @HEAP@} unresolved
 * @param heapBase the auth service's heap at zero cores, in MiB
 * @param heapPerCore what each core adds, in MiB
 * @param heapMinimum its least heap, in MiB
 */
record JvmOptions(Map<String, String> options, int heapBase, int heapPerCore, int heapMinimum) {

	private static final Pattern CASE = Pattern.compile("^\\s*([a-z*-]+)\\) opts=\"([^\"]+)\" ;;", Pattern.MULTILINE);

	private static final Pattern HEAP = Pattern.compile("h=\\$\\(\\((\\d+) \\+ (\\d+) \\* c\\)\\); \\[ \\$h -ge (\\d+) ] \\|\\| h=\\3;");

	static JvmOptions fromDockerfile() throws IOException {
		String dockerfile = Files.readString(Manifests.REPO.resolve("Dockerfile"));
		Map<String, String> options = new HashMap<>();
		Matcher cases = CASE.matcher(dockerfile);
		while (cases.find()) {
			options.put(cases.group(1), cases.group(2));
		}
		assertThat(options).as("the Dockerfile's options per app").containsKeys("gateway", "auth-service", "*");
		Matcher heap = HEAP.matcher(dockerfile);
		assertThat(heap.find()).as("the entry point's heap formula, on the cores the CPU limit allows").isTrue();
		return new JvmOptions(options, Integer.parseInt(heap.group(1)), Integer.parseInt(heap.group(2)),
				Integer.parseInt(heap.group(3)));
	}

	/** The user the image runs as, a number (so that runAsNonRoot can be checked). */
	static long imageUser() throws IOException {
		Matcher user = Pattern.compile("^USER (\\d+)$", Pattern.MULTILINE).matcher(Files.readString(Manifests.REPO.resolve("Dockerfile")));
		assertThat(user.find()).as("the Dockerfile's USER, numeric").isTrue();
		return Long.parseLong(user.group(1));
	}

	/** What a module's JVM may take with this many cores. */
	Footprint footprint(String module, int cores) {
		String line = this.options.getOrDefault(module, this.options.get("*"));
		String xmx = option(line, "-Xmx");
		long heap = xmx.equals("@HEAP@m") ? Math.max(this.heapMinimum, this.heapBase + (long) this.heapPerCore * cores)
				: mib(xmx);
		long metaspace = mib(option(line, "-XX:MaxMetaspaceSize="));
		long codeCache = mib(option(line, "-XX:ReservedCodeCacheSize="));
		// without a cap, direct memory may grow as large as the heap
		String direct = optionOrNull(line, "-XX:MaxDirectMemorySize=");
		return new Footprint(heap, metaspace, codeCache, (direct != null) ? mib(direct) : heap);
	}

	private static String option(String line, String name) {
		String value = optionOrNull(line, name);
		assertThat(value).as(name + " in " + line).isNotNull();
		return value;
	}

	private static String optionOrNull(String line, String name) {
		for (String option : line.split("\\s+")) {
			if (option.startsWith(name)) {
				return option.substring(name.length());
			}
		}
		return null;
	}

	private static long mib(String size) {
		long number = Long.parseLong(size.substring(0, size.length() - 1));
		return switch (Character.toLowerCase(size.charAt(size.length() - 1))) {
			case 'm' -> number;
			case 'g' -> number * 1024;
			default -> throw new AssertionError("a size in m or g: " + size);
		};
	}

	/** MiB each. */
	record Footprint(long heapMib, long metaspaceMib, long codeCacheMib, long directMib) {

		long capsMib() {
			return this.heapMib + this.metaspaceMib + this.codeCacheMib + this.directMib;
		}

		@Override
		public String toString() {
			return "heap " + this.heapMib + " + metaspace " + this.metaspaceMib + " + code cache " + this.codeCacheMib
					+ " + direct " + this.directMib + " MiB";
		}

	}

}
