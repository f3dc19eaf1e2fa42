package dev.portcullis.auth.revocation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.contract.revocation.RevocationEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.r2dbc.core.DatabaseClient;

/** Reads what the revocation tables hold, for assertions. */
final class RevocationTestSupport {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private RevocationTestSupport() {
	}

	/** The event rows after {@code afterId}, as (kind, subject) pairs in id order. */
	static List<String> kindsAndSubjects(RevocationRepository repository, long afterId) {
		return repository.findAfter(afterId, 10_000).map((event) -> event.kind() + ":" + event.subject())
			.collectList()
			.block(TIMEOUT);
	}

	static List<RevocationEvent> eventsAfter(RevocationRepository repository, long afterId) {
		return repository.findAfter(afterId, 10_000).collectList().block(TIMEOUT);
	}

	static long lastId(RevocationRepository repository) {
		return repository.lastId().block(TIMEOUT);
	}

	/** Completes when {@code condition} holds, checking every 20 ms; errors after {@code timeout}. */
	static Mono<Void> until(java.util.function.BooleanSupplier condition, Duration timeout) {
		return Flux.interval(Duration.ZERO, Duration.ofMillis(20))
			.filter((tick) -> condition.getAsBoolean())
			.next()
			.timeout(timeout)
			.then();
	}

	/** The id of the session the tokens belong to, from the session list. */
	@SuppressWarnings("unchecked")
	static String sessionId(AuthClient auth, Tokens tokens) {
		List<Map<String, Object>> sessions = auth.get("/auth/sessions", tokens)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
		Predicate<Map<String, Object>> current = (session) -> Boolean.TRUE.equals(session.get("current"));
		return (String) sessions.stream().filter(current).findFirst().orElseThrow().get("id");
	}

	static String userId(AuthClient auth, Tokens tokens) {
		return (String) auth.get("/auth/me", tokens).exchange().expectStatus().isOk().expectBody(Map.class).returnResult()
			.getResponseBody()
			.get("id");
	}

	static long count(DatabaseClient db, String sql) {
		return db.sql(sql).map((row) -> row.get(0, Long.class)).one().block(TIMEOUT);
	}

}
