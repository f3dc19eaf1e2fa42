package dev.portcullis.auth.web;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.metrics.AuthMetrics;
import dev.portcullis.auth.proof.SessionBinding;
import dev.portcullis.auth.session.ClientInfo;
import dev.portcullis.auth.session.IssuedSession;
import dev.portcullis.auth.session.SessionService;
import dev.portcullis.auth.token.AccessClaims;
import dev.portcullis.auth.user.User;
import dev.portcullis.auth.user.UserService;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** Register, login, refresh, logout: the endpoints that create and end sessions. */
@RestController
@RequestMapping(path = "/auth", produces = MediaType.APPLICATION_JSON_VALUE)
class AuthController {

	private final UserService users;

	private final SessionService sessions;

	private final Authenticator authenticator;

	private final AuthCookies cookies;

	private final Clock clock;

	private final AuthMetrics metrics;

	private final SessionBinding binding;

	AuthController(UserService users, SessionService sessions, Authenticator authenticator, AuthCookies cookies, Clock clock,
			AuthMetrics metrics, SessionBinding binding) {
		this.binding = binding;
		this.users = users;
		this.sessions = sessions;
		this.authenticator = authenticator;
		this.cookies = cookies;
		this.clock = clock;
		this.metrics = metrics;
	}

	@PostMapping(path = "/register", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	Mono<UserView> register(@RequestBody Credentials credentials, ServerWebExchange exchange) {
		return this.users.register(credentials.email(), credentials.password(), Clients.of(exchange.getRequest()).ip())
			.map(UserView::of)
			.doOnSuccess((view) -> this.metrics.registration(AuthMetrics.Registration.OK))
			.doOnError(AuthException.class, (ex) -> this.metrics.registrationFailed(ex.code()));
	}

	@PostMapping(path = "/login", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<LoginView> login(@RequestBody Credentials credentials, ServerWebExchange exchange) {
		ClientInfo client = Clients.of(exchange.getRequest());
		return this.binding.atLogin(Proofs.of(exchange.getRequest()))
			.flatMap((proof) -> this.users.authenticate(credentials.email(), credentials.password(), client.ip())
				.flatMap((user) -> this.binding.spend(proof)
					.then(this.sessions.start(user, client))
					.flatMap((issued) -> this.binding.bind(proof, issued.sessionId()).thenReturn(issued))
					.map((issued) -> written(exchange, issued))
					.map((issued) -> new LoginView(UserView.of(user), issued.accessToken().expiresAt(),
							issued.sessionExpiresAt(), proof.isPresent()))))
			.doOnSuccess((view) -> this.metrics.login(AuthMetrics.Login.OK))
			.doOnError(AuthException.class, (ex) -> this.metrics.loginFailed(ex.code()));
	}

	@PostMapping("/refresh")
	Mono<RefreshView> refresh(ServerWebExchange exchange) {
		String token = this.cookies.refreshToken(exchange.getRequest().getCookies());
		ClientInfo client = Clients.of(exchange.getRequest());
		return this.binding.beforeRefresh(token, Proofs.of(exchange.getRequest()), client)
			.then(Mono.defer(() -> this.sessions.refresh(token, client)))
			.map((issued) -> written(exchange, issued))
			.map((issued) -> new RefreshView(issued.accessToken().expiresAt(), issued.sessionExpiresAt()));
	}

	@PostMapping("/logout")
	Mono<ResponseEntity<Void>> logout(ServerWebExchange exchange) {
		String refresh = this.cookies.refreshToken(exchange.getRequest().getCookies());
		Mono<UUID> sessionFromAccess = this.authenticator.authenticate(exchange)
			.map(AccessClaims::sessionId)
			.onErrorResume(AuthException.class, (ex) -> Mono.empty());
		return sessionFromAccess.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((sid) -> this.sessions.logout(refresh, sid.orElse(null)))
			.then(Mono.fromSupplier(() -> {
				this.cookies.clear(exchange.getResponse());
				return ResponseEntity.noContent().build();
			}));
	}

	@PostMapping("/logout-all")
	Mono<ResponseEntity<Void>> logoutAll(ServerWebExchange exchange) {
		return this.authenticator.authenticate(exchange)
			.flatMap((claims) -> this.sessions.revokeAll(claims.userId(), Clients.of(exchange.getRequest())))
			.then(Mono.fromSupplier(() -> {
				this.cookies.clear(exchange.getResponse());
				return ResponseEntity.noContent().build();
			}));
	}

	private IssuedSession written(ServerWebExchange exchange, IssuedSession issued) {
		Instant now = this.clock.instant();
		this.cookies.write(exchange.getResponse(), issued, now);
		return issued;
	}

	record Credentials(String email, String password) {

		@Override
		public String toString() {
			return "Credentials[email=" + this.email + "]";
		}

	}

	record UserView(UUID id, String email) {

		static UserView of(User user) {
			return new UserView(user.id(), user.email());
		}

	}

	/** @param sessionBound whether the session is bound to the key of the login's proof */
	record LoginView(UserView user, Instant accessExpiresAt, Instant sessionExpiresAt, boolean sessionBound) {
	}

	record RefreshView(Instant accessExpiresAt, Instant sessionExpiresAt) {
	}

}
