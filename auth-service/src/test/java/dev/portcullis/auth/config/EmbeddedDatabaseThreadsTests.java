package dev.portcullis.auth.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded database's connections reach their callers on the h2 threads, side by side. */
@EmbeddedAuthServiceTest
class EmbeddedDatabaseThreadsTests {

	@Autowired
	ConnectionFactory connectionFactory;

	@Test
	void connectionWhenAcquiredOnTheEmbeddedDatabaseThenHandedOverOnAnH2Thread() {
		String thread = Mono.usingWhen(this.connectionFactory.create(),
				(connection) -> Mono.fromCallable(() -> Thread.currentThread().getName()),
				(connection) -> connection.close())
			.block(Duration.ofSeconds(30));
		assertThat(thread).startsWith("h2-");
		assertThat(this.connectionFactory).isInstanceOf(Wrapped.class);
		assertThat(((Wrapped<?>) this.connectionFactory).unwrap()).isInstanceOf(ConnectionPool.class);
	}

	/**
	 * Four callers each hold a connection until all four have one: only possible when the pool
	 * hands them out side by side rather than one caller's work at a time inside its drain loop.
	 */
	@Test
	void connectionsWhenFourCallersHoldThemAtOnceThenAllFourGetOne() {
		int callers = 4;
		CountDownLatch allHold = new CountDownLatch(callers);
		Set<String> threads = ConcurrentHashMap.newKeySet();
		List<Boolean> met = Flux.range(0, callers)
			.flatMap((i) -> Mono.usingWhen(this.connectionFactory.create(), (connection) -> Mono.fromCallable(() -> {
				threads.add(Thread.currentThread().getName());
				allHold.countDown();
				return allHold.await(20, TimeUnit.SECONDS);
			}), (connection) -> connection.close()), callers)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(met).hasSize(callers).containsOnly(true);
		assertThat(threads).hasSize(callers).allMatch((name) -> name.startsWith("h2-"));
	}

}
