package dev.portcullis.auth.revocation;

import io.r2dbc.spi.ConnectionFactory;

import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The in-memory log, and how this replica hears of other replicas' events. */
@Configuration(proxyBeanMethods = false)
class RevocationConfiguration {

	@Bean
	RevocationLog revocationLog() {
		return new RevocationLog();
	}

	/** LISTEN/NOTIFY on PostgreSQL; the embedded H2 default only polls. */
	@Bean
	RevocationWakeups revocationWakeups(ConnectionFactory connectionFactory, R2dbcProperties r2dbc) {
		return RevocationRepository.isPostgres(connectionFactory) ? PostgresRevocationListener.from(r2dbc)
				: RevocationWakeups.none();
	}

}
