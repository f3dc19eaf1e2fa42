package dev.portcullis.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The last resort for a test server: a throw-away PostgreSQL in Docker, when an engine answers. */
final class Containers {

	private Containers() {
	}

	static TestDatabase.Server startIfDockerAvailable() {
		if (!dockerAvailable()) {
			return null;
		}
		PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
		container.start();
		return new TestDatabase.Server(container.getHost(), container.getFirstMappedPort(), container.getUsername(),
				container.getPassword(), container.getDatabaseName(), container::stop);
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

}
