package dev.portcullis.auth.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/** Security events, as a table row and a log line. Never carries a token, cookie or password. */
@Component
public class AuditLog {

	private static final Logger logger = LoggerFactory.getLogger("dev.portcullis.audit");

	private final AuditEventRepository events;

	private final Clock clock;

	AuditLog(AuditEventRepository events, Clock clock) {
		this.events = events;
		this.clock = clock;
	}

	public Mono<Void> record(AuditEvent type, UUID userId, UUID sessionId, String clientIp) {
		return this.events.insert(type, this.clock.instant(), userId, sessionId, clientIp)
			.doOnSuccess((done) -> logger.warn("audit {} user={} session={} ip={}", type.value(), userId, sessionId, clientIp));
	}

	/** Deletes events that occurred before {@code cutoff}, {@code batchSize} rows per statement; emits how many. */
	public Mono<Long> purge(Instant cutoff, int batchSize) {
		return this.events.deleteOccurredBefore(cutoff, batchSize);
	}

}
