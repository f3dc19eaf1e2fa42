package dev.portcullis.auth.revocation;

import java.time.Duration;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.util.StringUtils;

/**
 * {@code LISTEN portcullis_revocations} on a connection of its own, outside the pool: it is held
 * for the application's lifetime. Signals once on every (re)connect, since notifications sent
 * while it was away are lost, and once per notification. Reconnects with a bounded back-off.
 */
class PostgresRevocationListener implements RevocationWakeups {

	/** How operators (and tests) find the connection in {@code pg_stat_activity}. */
	static final String APPLICATION_NAME = "portcullis-revocation-listener";

	private static final Logger logger = LoggerFactory.getLogger(PostgresRevocationListener.class);

	private static final Duration FIRST_RETRY = Duration.ofMillis(100);

	private static final Duration MAX_RETRY = Duration.ofSeconds(5);

	private final PostgresqlConnectionFactory factory;

	PostgresRevocationListener(PostgresqlConnectionFactory factory) {
		this.factory = factory;
	}

	/** A dedicated connection factory with the settings of {@code spring.r2dbc.*}, minus the pool. */
	static PostgresRevocationListener from(R2dbcProperties properties) {
		String url = properties.getUrl().replaceFirst("^r2dbc:pool:", "r2dbc:");
		ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(url).mutate();
		if (StringUtils.hasText(properties.getUsername())) {
			options.option(ConnectionFactoryOptions.USER, properties.getUsername());
		}
		if (StringUtils.hasText(properties.getPassword())) {
			options.option(ConnectionFactoryOptions.PASSWORD, properties.getPassword());
		}
		properties.getProperties().forEach((key, value) -> options.option(Option.valueOf(key), value));
		options.option(PostgresqlConnectionFactoryProvider.APPLICATION_NAME, APPLICATION_NAME);
		return new PostgresRevocationListener(new PostgresqlConnectionFactoryProvider().create(options.build()));
	}

	@Override
	public Flux<String> signals() {
		return Flux.usingWhen(this.factory.create(), this::listen, this::close, (connection, error) -> close(connection),
				this::close)
			// The notification stream ends when the server drops the connection: make that a failure to retry.
			.concatWith(Mono.error(() -> new IllegalStateException("the listener connection closed")))
			.doOnError((ex) -> logger.warn("Revocation listener disconnected ({}); reconnecting", ex.toString()))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RETRY).maxBackoff(MAX_RETRY).transientErrors(true));
	}

	private Flux<String> listen(PostgresqlConnection connection) {
		return connection.createStatement("LISTEN " + RevocationRepository.CHANNEL)
			.execute()
			.flatMap(PostgresqlResult::getRowsUpdated)
			.then(Mono.just("listening"))
			.doOnNext((signal) -> logger.debug("Listening for revocations"))
			.concatWith(connection.getNotifications().map((notification) -> "notified"));
	}

	private Mono<Void> close(PostgresqlConnection connection) {
		// Closing a connection the server already dropped fails; there is nothing left to release.
		return connection.close().onErrorResume((ex) -> Mono.empty());
	}

}
