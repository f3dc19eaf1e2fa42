package dev.portcullis.auth.config;

import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Refuses to start without migrations. Spring Boot runs Flyway only when it has a JDBC URL; on
 * R2DBC a missing {@code spring.flyway.url} would otherwise start the service on an empty schema.
 */
@Component
class MigrationGuard implements SmartInitializingSingleton {

	private final ObjectProvider<Flyway> flyway;

	MigrationGuard(ObjectProvider<Flyway> flyway) {
		this.flyway = flyway;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.flyway.getIfAvailable() == null) {
			throw new IllegalStateException("Database migrations are not configured: set spring.flyway.url "
					+ "(e.g. jdbc:postgresql://host:5432/portcullis) next to spring.r2dbc.url, or PORTCULLIS_DB_JDBC_URL");
		}
	}

}
