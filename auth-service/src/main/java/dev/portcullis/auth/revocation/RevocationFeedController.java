package dev.portcullis.auth.revocation;

import java.time.Duration;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.contract.revocation.RevocationFeed;
import reactor.core.publisher.Flux;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The revocation feed ({@link RevocationFeed}) that every gateway holds open. It is served on
 * the normal port, outside the paths the gateway proxies to this service.
 */
@RestController
class RevocationFeedController {

	private final FeedGuard guard;

	private final RevocationLog log;

	private final RevocationStream stream;

	RevocationFeedController(FeedGuard guard, RevocationLog log, RevocationStream stream) {
		this.guard = guard;
		this.log = log;
		this.stream = stream;
	}

	/** Checks come first and throw, so a refusal is a plain problem+json answer, not a broken stream. */
	@GetMapping(path = RevocationFeed.PATH, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<Object>> feed(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestParam(name = RevocationFeed.AFTER, required = false) String after,
			@RequestParam(name = RevocationFeed.AFTER_AT, required = false) String afterAt) {
		this.guard.check(authorization);
		long afterId = afterId(after);
		Long afterAtMillis = afterAt(afterAt);
		if (!this.log.loaded()) {
			throw new AuthException(ErrorCode.UNAVAILABLE, "The revocation log is still loading; try again shortly",
					Duration.ofSeconds(1), null);
		}
		return this.stream.after(afterId, afterAtMillis);
	}

	private static Long afterAt(String afterAt) {
		if (afterAt == null || afterAt.isEmpty()) {
			return null;
		}
		try {
			return Long.parseLong(afterAt);
		}
		catch (NumberFormatException ex) {
			throw new AuthException(ErrorCode.INVALID_REQUEST, RevocationFeed.AFTER_AT + " must be epoch milliseconds");
		}
	}

	private static long afterId(String after) {
		if (after == null || after.isEmpty()) {
			return 0;
		}
		try {
			long id = Long.parseLong(after);
			if (id >= 0) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new AuthException(ErrorCode.INVALID_REQUEST, RevocationFeed.AFTER + " must be a non-negative event id");
	}

}
