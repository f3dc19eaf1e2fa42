package dev.portcullis.gateway.ratelimit;

import java.time.Duration;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Opens the rate limits' shared Redis connection at start-up, off the event loop, retrying
 * in the background until Redis answers. Spring Data opens that connection on first use, and opening it blocks
 * (Lettuce waits for the connect): on a request thread that would stall every request behind
 * it, and while Redis is down, every limited request would try again. Until it is open the
 * limiter does not ask Redis at all; once open, Lettuce reconnects it by itself after an
 * outage.
 */
class RedisConnector implements SmartLifecycle {

	private final ReactiveRedisConnectionFactory connections;

	private final RedisAvailability availability;

	private final boolean enabled;

	private volatile boolean connected;

	private volatile Disposable opening;

	RedisConnector(ReactiveRedisConnectionFactory connections, RedisAvailability availability, boolean enabled) {
		this.connections = connections;
		this.availability = availability;
		this.enabled = enabled;
	}

	/** Whether the shared connection has been opened (it may be reconnecting now). */
	boolean connected() {
		return this.connected;
	}

	/**
	 * Opens the connection now, during start-up, and if Redis does not answer keeps trying in
	 * the background.
	 */
	@Override
	public void start() {
		if (!this.enabled) {
			return;
		}
		try {
			open();
			return;
		}
		catch (RuntimeException ex) {
			this.availability.failed();
		}
		this.opening = Mono.fromRunnable(this::open)
			.subscribeOn(Schedulers.boundedElastic())
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10)))
			.subscribe();
	}

	private void open() {
		ReactiveRedisConnection connection = this.connections.getReactiveConnection();
		// the shared native connection stays open: closing this handle releases nothing else
		connection.close();
		this.connected = true;
		this.availability.answered();
	}

	@Override
	public void stop() {
		Disposable running = this.opening;
		if (running != null) {
			running.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		Disposable running = this.opening;
		return running != null && !running.isDisposed();
	}

}
