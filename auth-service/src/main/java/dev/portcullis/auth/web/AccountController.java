package dev.portcullis.auth.web;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.session.SessionService;
import dev.portcullis.auth.user.UserService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** The signed-in user's own account: who am I, my sessions, my password. */
@RestController
@RequestMapping(path = "/auth", produces = MediaType.APPLICATION_JSON_VALUE)
class AccountController {

	private final UserService users;

	private final SessionService sessions;

	private final Authenticator authenticator;

	AccountController(UserService users, SessionService sessions, Authenticator authenticator) {
		this.users = users;
		this.sessions = sessions;
		this.authenticator = authenticator;
	}

	@GetMapping("/me")
	Mono<MeView> me(ServerWebExchange exchange) {
		return this.authenticator.authenticate(exchange)
			.flatMap((claims) -> this.users.findById(claims.userId()))
			.switchIfEmpty(Mono.error(() -> new AuthException(ErrorCode.TOKEN_INVALID, "The account no longer exists")))
			.map((user) -> new MeView(user.id(), user.email(), user.roles()));
	}

	@GetMapping("/sessions")
	Flux<SessionView> sessions(ServerWebExchange exchange) {
		return this.authenticator.authenticate(exchange)
			.flatMapMany((claims) -> this.sessions.active(claims.userId())
				.map((s) -> new SessionView(s.id(), s.createdAt(), s.lastRefreshedAt(), s.expiresAt(), s.userAgent(),
						s.clientIp(), s.id().equals(claims.sessionId()))));
	}

	@DeleteMapping("/sessions/{id}")
	Mono<ResponseEntity<Void>> revoke(@PathVariable String id, ServerWebExchange exchange) {
		return this.authenticator.authenticate(exchange)
			.flatMap((claims) -> this.sessions.revoke(claims.userId(), sessionId(id)))
			.then(Mono.fromSupplier(() -> ResponseEntity.noContent().build()));
	}

	@PostMapping(path = "/password", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Void>> changePassword(@RequestBody PasswordChange change, ServerWebExchange exchange) {
		return this.authenticator.authenticate(exchange)
			.flatMap((claims) -> this.users.changePassword(claims.userId(), change.currentPassword(), change.newPassword(),
					this.sessions.revokeOthers(claims.userId(), claims.sessionId(), Clients.of(exchange.getRequest()))))
			.then(Mono.fromSupplier(() -> ResponseEntity.noContent().build()));
	}

	private static UUID sessionId(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new AuthException(ErrorCode.SESSION_NOT_FOUND, "No such active session");
		}
	}

	record MeView(UUID id, String email, List<String> roles) {
	}

	record SessionView(UUID id, Instant createdAt, Instant lastRefreshedAt, Instant expiresAt, String userAgent,
			String clientIp, boolean current) {
	}

	record PasswordChange(String currentPassword, String newPassword) {

		@Override
		public String toString() {
			return "PasswordChange[]";
		}

	}

}
