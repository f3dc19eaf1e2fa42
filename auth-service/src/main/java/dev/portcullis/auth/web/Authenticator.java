package dev.portcullis.auth.web;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.session.SessionService;
import dev.portcullis.auth.token.AccessClaims;
import dev.portcullis.auth.token.AccessTokenVerifier;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The caller of an endpoint that needs a user: the access cookie, verified here (never an
 * identity header), and its session still live.
 */
@Component
class Authenticator {

	private final AuthCookies cookies;

	private final AccessTokenVerifier verifier;

	private final SessionService sessions;

	Authenticator(AuthCookies cookies, AccessTokenVerifier verifier, SessionService sessions) {
		this.cookies = cookies;
		this.verifier = verifier;
		this.sessions = sessions;
	}

	Mono<AccessClaims> authenticate(ServerWebExchange exchange) {
		String token = this.cookies.accessToken(exchange.getRequest().getCookies());
		return this.verifier.verify(token)
			.filterWhen((claims) -> this.sessions.isActive(claims.sessionId()))
			.switchIfEmpty(Mono.error(() -> new AuthException(ErrorCode.SESSION_REVOKED, "The session has ended")));
	}

}
