package dev.portcullis.gateway.security;

import java.util.List;

import dev.portcullis.gateway.metrics.Decision;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;

/**
 * The access check, whichever way a request reached the gateway: a protected route needs a
 * verified access cookie whose session, user and key the revocation feed has not revoked
 * ({@code session_revoked}; a withdrawn key alone is {@code key_withdrawn}, which a refresh
 * cures), and every route, public or not, has client-sent identity headers and the auth cookies
 * removed before the request goes upstream ({@link RequestIdentity}).
 *
 * <p>Public routes are not checked at all, so a stale cookie never breaks a login page; they
 * receive no identity headers.
 *
 * <p>The revocation check runs after the verifier on every request, cache hit or not, so a
 * token verified before its session ended is refused from the moment the feed says so. It is
 * an in-memory lookup: no I/O on the request path. Requests let through are counted here
 * ({@code allowed}, {@code public}); refusals are counted where they become HTTP.
 */
public final class AccessDecision {

	private final AccessTokenConverter converter;

	private final AccessTokenVerifier verifier;

	private final RevocationList revocations;

	private final RoutePolicy routes;

	private final RequestIdentity identity;

	private final DecisionMeter decisions;

	/**
	 * @param accessCookie the access cookie's name
	 * @param verifier the cached token verifier
	 * @param revocations the revocation feed's list
	 * @param routes which routes are public and what they receive
	 * @param identityHeaders further client headers to strip, beside {@code X-User-*} and {@code X-Session-Id}
	 * @param authCookies the cookies removed on their way upstream
	 * @param decisions where admissions are counted
	 */
	public AccessDecision(String accessCookie, AccessTokenVerifier verifier, RevocationList revocations,
			RoutePolicy routes, List<String> identityHeaders, List<String> authCookies, DecisionMeter decisions) {
		this.converter = new AccessTokenConverter(accessCookie);
		this.verifier = verifier;
		this.revocations = revocations;
		this.routes = routes;
		this.identity = new RequestIdentity(identityHeaders, authCookies);
		this.decisions = decisions;
	}

	/** Whether a request on {@code route} to {@code rawPath} passes without an access token. */
	public boolean isPublic(Route route, String rawPath) {
		return this.routes.isPublic(route, PathContainer.parsePath(rawPath));
	}

	/**
	 * Decides a request.
	 * @param route the matched route
	 * @param isPublic what {@link #isPublic} said
	 * @param headers the client's headers
	 * @return who may pass, or an error: {@link TokenRejectedException},
	 * {@link KeysUnavailableException}
	 */
	public Mono<Admission> admit(Route route, boolean isPublic, HttpHeaders headers) {
		if (isPublic) {
			this.decisions.record(route, Decision.PUBLIC);
			return Mono.just(Admission.PUBLIC);
		}
		String token;
		try {
			token = this.converter.token(headers);
		}
		catch (TokenRejectedException ex) {
			return Mono.error(ex);
		}
		if (token == null) {
			return Mono.error(TokenRejectedException.missing());
		}
		return this.verifier.verify(token)
			.onErrorMap(TokenRejectedException.class, this::withdrawnIfKnown)
			.flatMap((access) -> unlessRevoked(route, token, access));
	}

	/** The headers to send upstream for an admitted request, as a Spring map. */
	public HttpHeaders upstreamHeaders(HttpHeaders incoming, Route route, Admission admission) {
		return new HttpHeaders(new org.springframework.http.support.Netty4HeadersAdapter(
				upstreamNettyHeaders(incoming, route, admission)));
	}

	/** The headers to send upstream for an admitted request, as the Netty map a client sends. */
	public io.netty.handler.codec.http.HttpHeaders upstreamNettyHeaders(HttpHeaders incoming, Route route,
			Admission admission) {
		return this.identity.upstream(incoming, this.routes.forwardsAuthCookies(route),
				this.routes.forwardsToken(route), admission.token(), admission.access());
	}

	private Mono<Admission> unlessRevoked(Route route, String token, VerifiedAccess access) {
		String refusal = this.revocations.refusal(access.userId(), access.sessionId(), access.keyId(),
				access.issuedAtMillis());
		if (refusal != null) {
			return Mono.error(TokenRejectedException.ofRefusal(refusal));
		}
		this.decisions.record(route, Decision.ALLOWED);
		return Mono.just(new Admission(token, access));
	}

	/**
	 * Once the withdrawn key has left the JWK Set, its tokens no longer verify at all: still
	 * {@code key_withdrawn} (refresh), not {@code token_invalid} (log in), while the feed remembers
	 * the key, which is as long as any token it signed can live.
	 */
	private TokenRejectedException withdrawnIfKnown(TokenRejectedException rejected) {
		return this.revocations.withdrew(rejected.unknownKeyId()) ? TokenRejectedException.keyWithdrawn() : rejected;
	}

	/**
	 * A request let through.
	 * @param token the verified access token, or {@code null} on a public route
	 * @param access what the token says, or {@code null} on a public route
	 */
	public record Admission(String token, VerifiedAccess access) {

		static final Admission PUBLIC = new Admission(null, null);

	}

}
