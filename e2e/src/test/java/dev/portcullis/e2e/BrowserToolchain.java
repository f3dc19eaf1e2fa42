package dev.portcullis.e2e;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * What the browser tests need on the machine: Node.js, {@code playwright-core} installed in
 * {@code e2e/browser} and Debian's Chromium. When one is missing the tests are skipped with a
 * banner that says how to install it, never silently.
 */
final class BrowserToolchain {

	static final String INSTALL = "apt-get install -y chromium && (cd e2e/browser && npm ci)";

	final Path node;

	final Path chromium;

	final Path directory;

	private BrowserToolchain(Path node, Path chromium, Path directory) {
		this.node = node;
		this.chromium = chromium;
		this.directory = directory;
	}

	/** The toolchain, or a JUnit assumption failure (the test is skipped) after a loud banner. */
	static BrowserToolchain requireOrSkip() {
		Path directory = Path.of(System.getProperty("portcullis.repository", "..")).resolve("e2e").resolve("browser")
			.toAbsolutePath().normalize();
		Path chromium = Path.of(Optional.ofNullable(System.getenv("CHROMIUM_PATH")).orElse("/usr/bin/chromium"));
		Optional<Path> node = onPath("node");
		List<String> missing = new ArrayList<>();
		if (node.isEmpty()) {
			missing.add("node (Node.js 20 or newer) is not on the PATH");
		}
		if (!Files.isExecutable(chromium)) {
			missing.add("no Chromium at " + chromium + " (set CHROMIUM_PATH to use another)");
		}
		if (!Files.isRegularFile(directory.resolve("node_modules/playwright-core/package.json"))) {
			missing.add("playwright-core is not installed in " + directory);
		}
		if (!missing.isEmpty()) {
			String banner = banner(missing);
			System.err.println(banner);
			toConsole(banner);
			Assumptions.abort(banner);
		}
		return new BrowserToolchain(node.get(), chromium, directory);
	}

	/** Runs {@code node --test} on a script in {@code e2e/browser}; the output goes to {@code log}. */
	Result run(String script, Map<String, String> environment, Duration timeout, Path log)
			throws IOException, InterruptedException {
		return run(List.of(), script, environment, timeout, log);
	}

	/**
	 * The same with options for {@code node --test}, such as {@code --test-force-exit} for a
	 * script whose module under test leaves timers behind.
	 */
	Result run(List<String> options, String script, Map<String, String> environment, Duration timeout, Path log)
			throws IOException, InterruptedException {
		Files.createDirectories(log.getParent());
		List<String> command = new ArrayList<>(List.of(this.node.toString(), "--test", "--test-reporter=spec"));
		command.addAll(options);
		command.add(script);
		ProcessBuilder builder = new ProcessBuilder(command)
			.directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		builder.environment().put("CHROMIUM_PATH", this.chromium.toString());
		Process process = builder.start();
		boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
		if (!finished) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		return new Result(finished ? process.exitValue() : null, Files.readString(log));
	}

	/** {@code exitCode} is null when the run was stopped at its timeout. */
	record Result(Integer exitCode, String output) {
	}

	private static Optional<Path> onPath(String command) {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, command);
			if (!dir.isEmpty() && Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/**
	 * Surefire sends the tests' System.err to a report file; the banner must be seen in the build
	 * output itself, so it is also written to the JVM's own standard error, which Maven prints.
	 */
	private static void toConsole(String banner) {
		PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
		console.println(banner);
		console.flush();
	}

	private static String banner(List<String> missing) {
		String rule = "#".repeat(78);
		StringBuilder banner = new StringBuilder().append('\n').append(rule).append('\n')
			.append("#  BROWSER TESTS SKIPPED: the demo page and portcullis-client.js were NOT tested\n")
			.append("#  in a real browser.\n");
		for (String reason : missing) {
			banner.append("#    - ").append(reason).append('\n');
		}
		return banner.append("#  Install with: ").append(INSTALL).append('\n').append(rule).append('\n').toString();
	}

}
