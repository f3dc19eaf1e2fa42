package dev.portcullis.testsupport;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Properties;

/**
 * One fresh PostgreSQL database for the whole test run: created on first use under a unique
 * name, dropped when the JUnit launcher session closes.
 *
 * <p>The server is found in this order: the {@code PORTCULLIS_TEST_DB} environment variable (or
 * the {@code portcullis.test.db} system property), a URL such as
 * {@code postgresql://user:password@host:5432/postgres}; then 127.0.0.1:5432 as {@code postgres};
 * then a Testcontainers PostgreSQL when a Docker engine answers. With none of them the run fails
 * with one line that says how to provide a server: no test skips for want of a database.
 */
public final class TestDatabase {

	static final String ENV = "PORTCULLIS_TEST_DB";

	private static TestDatabase instance;

	private final Server server;

	private final String name;

	private TestDatabase(Server server, String name) {
		this.server = server;
		this.name = name;
	}

	/** The run's database, created on the first call. */
	public static synchronized TestDatabase get() {
		if (instance == null) {
			Server server = Server.locate();
			String name = "portcullis_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"))
					+ "_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
			server.execute("CREATE DATABASE " + name);
			instance = new TestDatabase(server, name);
		}
		return instance;
	}

	/** Drops the run's database if one was created; safe to call more than once. */
	static synchronized void dropIfCreated() {
		if (instance != null) {
			instance.server.execute("DROP DATABASE IF EXISTS " + instance.name + " WITH (FORCE)");
			instance.server.close();
			instance = null;
		}
	}

	public String name() {
		return this.name;
	}

	public String host() {
		return this.server.host;
	}

	public int port() {
		return this.server.port;
	}

	public String username() {
		return this.server.user;
	}

	public String password() {
		return this.server.password;
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://" + this.server.host + ":" + this.server.port + "/" + this.name;
	}

	public String r2dbcUrl() {
		return "r2dbc:postgresql://" + this.server.host + ":" + this.server.port + "/" + this.name;
	}

	/** A JDBC connection to the run's database, for assertions on what was stored. */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), this.server.credentials());
	}

	record Server(String host, int port, String user, String password, String adminDatabase, AutoCloseable owner) {

		static Server locate() {
			String configured = System.getProperty("portcullis.test.db", System.getenv(ENV));
			if (configured != null && !configured.isBlank()) {
				return fromUrl(configured.trim());
			}
			Server local = new Server("127.0.0.1", 5432, "postgres", "", "postgres", null);
			if (local.answers()) {
				return local;
			}
			Server container = Containers.startIfDockerAvailable();
			if (container != null) {
				return container;
			}
			throw new IllegalStateException("No PostgreSQL for the tests: start one on 127.0.0.1:5432 (user postgres, trust auth), "
					+ "set " + ENV + "=postgresql://user:password@host:port/postgres, or start a Docker engine for Testcontainers");
		}

		static Server fromUrl(String url) {
			URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
			String user = "postgres";
			String password = "";
			if (uri.getUserInfo() != null) {
				String[] parts = uri.getUserInfo().split(":", 2);
				user = decode(parts[0]);
				password = parts.length > 1 ? decode(parts[1]) : "";
			}
			String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
			Server server = new Server(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, user, password,
					path.isEmpty() ? "postgres" : path, null);
			if (!server.answers()) {
				throw new IllegalStateException(ENV + " is set but no PostgreSQL answers at " + uri.getHost() + ":" + server.port
						+ " as " + user);
			}
			return server;
		}

		private static String decode(String value) {
			return URLDecoder.decode(value, StandardCharsets.UTF_8);
		}

		Properties credentials() {
			Properties properties = new Properties();
			properties.setProperty("user", this.user);
			properties.setProperty("password", this.password);
			properties.setProperty("connectTimeout", "3");
			return properties;
		}

		boolean answers() {
			try (Connection connection = DriverManager.getConnection(adminUrl(), credentials())) {
				return connection.isValid(3);
			}
			catch (SQLException ex) {
				return false;
			}
		}

		void execute(String sql) {
			try (Connection connection = DriverManager.getConnection(adminUrl(), credentials());
					Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Test database set-up failed on " + this.host + ":" + this.port + ": " + sql, ex);
			}
		}

		void close() {
			if (this.owner != null) {
				try {
					this.owner.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException("Could not stop the test PostgreSQL container", ex);
				}
			}
		}

		private String adminUrl() {
			return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.adminDatabase;
		}

	}

}
