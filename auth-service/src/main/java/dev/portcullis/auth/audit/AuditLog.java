package dev.portcullis.auth.audit;

import java.time.Clock;
import java.util.UUID;

import dev.portcullis.auth.support.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/** Security events, as a table row and a log line. Never carries a token, cookie or password. */
@Component
public class AuditLog {

	private static final Logger logger = LoggerFactory.getLogger("dev.portcullis.audit");

	private final DatabaseClient db;

	private final Clock clock;

	AuditLog(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	public Mono<Void> record(AuditEvent type, UUID userId, UUID sessionId, String clientIp) {
		return this.db
			.sql("INSERT INTO audit_events (occurred_at, type, user_id, session_id, client_ip) "
					+ "VALUES (:at, :type, :user, :session, :ip)")
			.bind("at", Times.db(this.clock.instant()))
			.bind("type", type.value())
			.bind("user", Parameter.fromOrEmpty(userId, UUID.class))
			.bind("session", Parameter.fromOrEmpty(sessionId, UUID.class))
			.bind("ip", Parameter.fromOrEmpty(clientIp, String.class))
			.then()
			.doOnSuccess((done) -> logger.warn("audit {} user={} session={} ip={}", type.value(), userId, sessionId, clientIp));
	}

}
