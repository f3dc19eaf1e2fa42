package dev.portcullis.auth.config;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * On the embedded H2 database, every connection the pool hands out is passed to the caller on a
 * thread of the {@code h2} scheduler, one per pooled connection, so that transactions run side by
 * side. H2's R2DBC driver executes each statement synchronously on the subscribing thread, and
 * the pool hands a freed connection to the next waiting caller inside its drain loop: without
 * the hop, that caller's whole transaction runs inside the loop, on whichever thread freed the
 * connection, and every other caller queues behind that one thread, however large the pool (a
 * refresh storm showed 1 connection in use, 2 allocated of 20 and 31 callers waiting, then
 * {@code Could not open R2DBC Connection} after {@code max-acquire-time}). The hop also keeps
 * H2's file writes and row-lock waits off the event loops. PostgreSQL's driver is asynchronous
 * and is left as it is.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedDatabaseThreads {

	@Bean
	static BeanPostProcessor embeddedDatabaseOnItsOwnThreads() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof ConnectionPool pool && pool.getMetadata().getName().contains("H2")) {
					int connections = pool.getMetrics().map(PoolMetrics::getMaxAllocatedSize).orElse(1);
					return new HoppingConnectionFactory(pool,
							Schedulers.newBoundedElastic(connections, Math.max(connections, 1024), "h2"));
				}
				return bean;
			}

		};
	}

	/** The pool, each acquired connection delivered on {@code scheduler}; disposing it disposes both. */
	static final class HoppingConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory>, Disposable {

		private final ConnectionPool pool;

		private final Scheduler scheduler;

		HoppingConnectionFactory(ConnectionPool pool, Scheduler scheduler) {
			this.pool = pool;
			this.scheduler = scheduler;
		}

		@Override
		public Publisher<? extends Connection> create() {
			return this.pool.create()
				.publishOn(this.scheduler)
				// cancelled between the pool's answer and the hop: the connection goes back to the pool
				.doOnDiscard(Connection.class, (connection) -> Mono.from(connection.close()).subscribe());
		}

		@Override
		public ConnectionFactoryMetadata getMetadata() {
			return this.pool.getMetadata();
		}

		@Override
		public ConnectionFactory unwrap() {
			return this.pool;
		}

		@Override
		public void dispose() {
			this.pool.dispose();
			this.scheduler.dispose();
		}

		@Override
		public boolean isDisposed() {
			return this.pool.isDisposed();
		}

	}

}
