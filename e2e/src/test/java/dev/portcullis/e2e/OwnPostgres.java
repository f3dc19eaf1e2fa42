package dev.portcullis.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own (own data folder, own port), so a test can stop and start
 * the database without touching anyone else's. Needs the server binaries ({@code initdb},
 * {@code pg_ctl}); as root it runs them as the {@code postgres} user, as PostgreSQL requires.
 */
final class OwnPostgres implements AutoCloseable {

	final int port = freePort();

	private final Path dir;

	private final Path bin;

	private OwnPostgres() throws IOException {
		this.bin = binaries();
		this.dir = Files.createTempDirectory("portcullis-pg");
		if (isRoot()) {
			run(List.of("chown", "postgres", this.dir.toString()), false);
		}
		run(List.of(this.bin.resolve("initdb").toString(), "-D", data(), "-A", "trust", "-U", "postgres", "--no-sync"), true);
	}

	static OwnPostgres start() throws IOException {
		OwnPostgres postgres = new OwnPostgres();
		postgres.startServer();
		return postgres;
	}

	String r2dbcUrl() {
		return "r2dbc:postgresql://127.0.0.1:" + this.port + "/postgres";
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
	}

	void startServer() throws IOException {
		run(List.of(this.bin.resolve("pg_ctl").toString(), "-D", data(), "-l", this.dir.resolve("server.log").toString(), "-o",
				"-p " + this.port + " -k " + this.dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "-t", "30", "start"),
				true);
	}

	void stopServer() throws IOException {
		run(List.of(this.bin.resolve("pg_ctl").toString(), "-D", data(), "-m", "fast", "-w", "-t", "30", "stop"), true);
	}

	@Override
	public void close() throws IOException {
		try {
			if (Files.exists(Path.of(data(), "postmaster.pid"))) {
				stopServer();
			}
		}
		finally {
			try (Stream<Path> files = Files.walk(this.dir)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
		}
	}

	private String data() {
		return this.dir.resolve("data").toString();
	}

	private static void run(List<String> command, boolean asPostgres) throws IOException {
		List<String> full = new ArrayList<>();
		if (asPostgres && isRoot()) {
			full.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		full.addAll(command);
		Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
		try {
			boolean done = process.waitFor(60, TimeUnit.SECONDS);
			String output = new String(process.getInputStream().readAllBytes());
			if (!done || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IOException("Command failed: " + String.join(" ", full) + "\n" + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static Path binaries() throws IOException {
		Path root = Path.of("/usr/lib/postgresql");
		if (Files.isDirectory(root)) {
			try (Stream<Path> versions = Files.list(root)) {
				var found = versions.map((v) -> v.resolve("bin")).filter((b) -> Files.isExecutable(b.resolve("initdb")))
					.max(Comparator.naturalOrder());
				if (found.isPresent()) {
					return found.get();
				}
			}
		}
		throw new IllegalStateException("The outage tests need PostgreSQL server binaries (initdb, pg_ctl) under "
				+ "/usr/lib/postgresql/<version>/bin: install the postgresql package");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
