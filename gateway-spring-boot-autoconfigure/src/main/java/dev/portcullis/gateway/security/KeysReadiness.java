package dev.portcullis.gateway.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

/**
 * Keeps the application out of readiness until the first signing keys are held: every
 * protected route would answer 503 until then. When Spring Boot declares the application
 * {@link ReadinessState#ACCEPTING_TRAFFIC ready} before the first JWKS fetch succeeded, this
 * answers with {@link ReadinessState#REFUSING_TRAFFIC}, and declares it ready once the keys are
 * in. It does so once: later auth-service outages keep the keys held, and the application's
 * readiness is then its own (a refusal of its own is never overturned).
 * <p>
 * It listens after {@link ApplicationAvailability}'s bean, which stores each state as it
 * hears it: that bean is this one's dependency, so it is registered as a listener first, and
 * listeners of equal order are called in the order they were registered.
 */
class KeysReadiness implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>>, DisposableBean {

	private static final Log logger = LogFactory.getLog(KeysReadiness.class);

	static final Duration POLL = Duration.ofMillis(200);

	private final SigningKeySource keys;

	private final ApplicationAvailability availability;

	private final ApplicationEventPublisher events;

	private final AtomicBoolean waiting = new AtomicBoolean();

	private volatile boolean released;

	private volatile Disposable poll;

	KeysReadiness(SigningKeySource keys, ApplicationAvailability availability, ApplicationEventPublisher events) {
		this.keys = keys;
		this.availability = availability;
		this.events = events;
	}

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
		if (this.released || event.getSource() == this || event.getState() != ReadinessState.ACCEPTING_TRAFFIC
				|| this.keys.current().loaded()) {
			return;
		}
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		if (this.waiting.compareAndSet(false, true)) {
			logger.info("Not ready until the first signing keys are fetched (portcullis.gateway.jwks-uri)");
			// a flag read every POLL, on Reactor's timer: no thread is held while waiting
			this.poll = Flux.interval(POLL)
				.filter((tick) -> this.keys.current().loaded())
				.next()
				.subscribe((tick) -> release());
		}
	}

	private void release() {
		this.released = true;
		AvailabilityChangeEvent<ReadinessState> last = this.availability.getLastChangeEvent(ReadinessState.class);
		// only our own refusal is lifted: a refusal the application published meanwhile stands
		if (last != null && last.getSource() == this) {
			logger.info("Signing keys held: ready");
			AvailabilityChangeEvent.publish(this.events, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	@Override
	public void destroy() {
		Disposable running = this.poll;
		if (running != null) {
			running.dispose();
		}
	}

}
