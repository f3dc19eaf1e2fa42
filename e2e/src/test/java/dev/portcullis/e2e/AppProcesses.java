package dev.portcullis.e2e;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Released Portcullis jars started as named processes on loopback, each with its own log file
 * under {@code target/e2e-logs/<group>}; a process can be stopped and started again with the
 * same arguments, as an outage and a recovery would.
 */
final class AppProcesses implements AutoCloseable {

	static final String MASTER_SECRET = "an-end-to-end-master-secret-of-48-characters!!";

	static final String FEED_SECRET = "an-end-to-end-revocation-feed-secret-of-52-characters";

	final Path logs;

	private final Map<String, Process> running = new LinkedHashMap<>();

	private final Map<String, List<String>> commands = new LinkedHashMap<>();

	AppProcesses(String group) throws IOException {
		this.logs = Path.of("target", "e2e-logs", group);
		Files.createDirectories(this.logs);
	}

	/** JVM options of an app started without options of its own: quick to start, small. */
	static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

	/** Starts {@code module}'s runnable jar as process {@code name}. */
	void launch(String name, String module, List<String> args) throws IOException {
		launch(name, module, JVM_OPTIONS, args);
	}

	/** Starts {@code module}'s runnable jar as process {@code name} with the JVM options given. */
	void launch(String name, String module, List<String> jvmOptions, List<String> args) throws IOException {
		launch(name, jar(module), jvmOptions, args);
	}

	/** Starts the runnable {@code jar} as process {@code name} with the JVM options given. */
	void launch(String name, Path jar, List<String> jvmOptions, List<String> args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar.toString()));
		command.addAll(args);
		this.commands.put(name, command);
		start(name);
	}

	/** Starts a stopped process again with the arguments it was launched with. */
	void start(String name) throws IOException {
		// a restart appends to the same log, so one file tells the whole story of one app
		Process process = new ProcessBuilder(this.commands.get(name)).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logs.resolve(name + ".log").toFile()))
			.start();
		this.running.put(name, process);
	}

	/** Stops one process, as an outage would. */
	void stop(String name) throws InterruptedException {
		Process process = this.running.remove(name);
		process.destroy();
		if (!process.waitFor(15, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
	}

	/** Waits until {@code path} on {@code port} answers 200, failing early if a process died. */
	void awaitHttp(int port, String path) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			for (Map.Entry<String, Process> process : this.running.entrySet()) {
				if (!process.getValue().isAlive()) {
					throw new AssertionError("Process " + process.getKey() + " exited early; see " + this.logs.toAbsolutePath());
				}
			}
			if (answers200(port, path)) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("Nothing answered on port " + port + " within 90 s; see " + this.logs.toAbsolutePath());
	}

	/** Everything the processes printed. */
	String allLogs() throws IOException {
		StringBuilder all = new StringBuilder();
		try (var files = Files.list(this.logs)) {
			for (Path file : files.toList()) {
				all.append(Files.readString(file));
			}
		}
		return all.toString();
	}

	@Override
	public void close() {
		for (Process process : this.running.values()) {
			process.destroy();
		}
		for (Process process : this.running.values()) {
			try {
				if (!process.waitFor(15, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
		this.running.clear();
	}

	private static boolean answers200(int port, String path) {
		try {
			HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
				.openConnection();
			connection.setConnectTimeout(500);
			connection.setReadTimeout(2000);
			return connection.getResponseCode() == 200;
		}
		catch (IOException notYet) {
			return false;
		}
	}

	static Path jar(String module) {
		return jar(module, "portcullis-" + module);
	}

	/** The runnable jar of the module in {@code directory} (relative to the repository) named {@code artifactId}. */
	static Path jar(String directory, String artifactId) {
		Path target = Path.of(System.getProperty("portcullis.repository", ".."), directory, "target");
		Path jar = target.resolve(artifactId + "-" + System.getProperty("portcullis.version", "0.1.0-SNAPSHOT") + "-exec.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No runnable jar at " + jar.toAbsolutePath() + ": build with ./mvnw verify");
		}
		return jar;
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The arguments every auth service needs: its port, the secrets, the management port out of the way. */
	static List<String> authArgs(int port) {
		return authArgs(port, 0);
	}

	/** As {@link #authArgs(int)}, with the management port a test calls ({@code 0}: any free one). */
	static List<String> authArgs(int port, int managementPort) {
		return List.of("--server.port=" + port, "--management.server.port=" + managementPort,
				"--portcullis.auth.master-secret=" + MASTER_SECRET, "--portcullis.feed-secret=" + FEED_SECRET);
	}

	/** The arguments every gateway needs: its port, the auth service and upstream it fronts, the feed secret. */
	static List<String> gatewayArgs(int port, int authPort, int upstreamPort) {
		return List.of("--server.port=" + port, "--management.server.port=0",
				"--PORTCULLIS_AUTH_URI=http://127.0.0.1:" + authPort, "--PORTCULLIS_UPSTREAM_URI=http://127.0.0.1:" + upstreamPort,
				"--portcullis.feed-secret=" + FEED_SECRET);
	}

}
