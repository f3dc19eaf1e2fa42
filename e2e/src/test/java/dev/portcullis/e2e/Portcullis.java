package dev.portcullis.e2e;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The three released apps started as separate processes on free ports, the way users run them,
 * each with its own log file under {@code target/e2e-logs}.
 */
final class Portcullis implements AutoCloseable {

	static final String MASTER_SECRET = "an-end-to-end-master-secret-of-48-characters!!";

	/** The revocation feed's shared secret (portcullis.feed-secret), for the auth service and the gateway. */
	static final String FEED_SECRET = "an-end-to-end-feed-secret-of-at-least-32-chars";

	final int gatewayPort = freePort();

	final int authPort = freePort();

	final int upstreamPort = freePort();

	final Path logs;

	private final java.util.Map<String, Process> processes = new java.util.LinkedHashMap<>();

	private Portcullis(String name) throws IOException {
		this.logs = Path.of("target", "e2e-logs", name);
		Files.createDirectories(this.logs);
	}

	/** Starts upstream, auth service (with {@code authArgs}) and gateway, and waits until all are ready. */
	static Portcullis start(String name, List<String> authArgs, List<String> gatewayArgs) throws Exception {
		Portcullis portcullis = new Portcullis(name);
		try {
			portcullis.launch("sample-upstream", "--server.port=" + portcullis.upstreamPort);
			List<String> auth = new ArrayList<>(List.of("--server.port=" + portcullis.authPort, "--management.server.port=0",
					"--portcullis.auth.master-secret=" + MASTER_SECRET, "--portcullis.feed-secret=" + FEED_SECRET));
			auth.addAll(authArgs);
			portcullis.launch("auth-service", auth.toArray(String[]::new));
			portcullis.awaitHttp(portcullis.authPort, "/.well-known/jwks.json");
			List<String> gateway = new ArrayList<>(List.of("--server.port=" + portcullis.gatewayPort,
					"--management.server.port=0", "--PORTCULLIS_AUTH_URI=http://127.0.0.1:" + portcullis.authPort,
					"--PORTCULLIS_UPSTREAM_URI=http://127.0.0.1:" + portcullis.upstreamPort));
			gateway.addAll(gatewayArgs);
			portcullis.launch("gateway", gateway.toArray(String[]::new));
			portcullis.awaitHttp(portcullis.upstreamPort, "/");
			portcullis.awaitHttp(portcullis.gatewayPort, "/.well-known/jwks.json");
			return portcullis;
		}
		catch (Exception | AssertionError ex) {
			portcullis.close();
			throw ex;
		}
	}

	String gateway() {
		return "http://127.0.0.1:" + this.gatewayPort;
	}

	/** Everything the three processes printed. */
	String allLogs() throws IOException {
		StringBuilder all = new StringBuilder();
		try (var files = Files.list(this.logs)) {
			for (Path file : files.toList()) {
				all.append(Files.readString(file));
			}
		}
		return all.toString();
	}

	private void launch(String module, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar(module).toString()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.logs.resolve(module + ".log").toFile())
			.start();
		this.processes.put(module, process);
	}

	private void awaitHttp(int port, String path) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			for (Process process : this.processes.values()) {
				if (!process.isAlive()) {
					throw new AssertionError("A Portcullis process exited early; see " + this.logs.toAbsolutePath());
				}
			}
			try {
				HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
					.openConnection();
				connection.setConnectTimeout(500);
				connection.setReadTimeout(2000);
				if (connection.getResponseCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError("Nothing answered on port " + port + " within 90 s; see " + this.logs.toAbsolutePath());
	}

	static Path jar(String module) {
		Path target = Path.of(System.getProperty("portcullis.repository", ".."), module, "target");
		Path jar = target.resolve("portcullis-" + module + "-" + System.getProperty("portcullis.version", "0.1.0-SNAPSHOT")
				+ "-exec.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No runnable jar at " + jar.toAbsolutePath() + ": build with ./mvnw verify");
		}
		return jar;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Stops one of the apps, as an outage would. */
	void stop(String module) throws InterruptedException {
		Process process = this.processes.remove(module);
		process.destroy();
		if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
	}

	@Override
	public void close() {
		for (Process process : this.processes.values()) {
			process.destroy();
		}
		for (Process process : this.processes.values()) {
			try {
				if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
	}

}
