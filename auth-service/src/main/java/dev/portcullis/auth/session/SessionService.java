package dev.portcullis.auth.session;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.audit.AuditEvent;
import dev.portcullis.auth.audit.AuditLog;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.auth.crypto.ServerSecrets;
import dev.portcullis.auth.metrics.AuthMetrics;
import dev.portcullis.auth.revocation.Revocation;
import dev.portcullis.auth.revocation.Revocations;
import dev.portcullis.auth.session.SessionRepository.TokenState;
import dev.portcullis.auth.token.AccessTokenIssuer;
import dev.portcullis.auth.user.User;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Sessions as refresh-token families (OAuth 2.0 Security BCP, section 4.14): every refresh
 * consumes the presented token and issues a successor; presenting a consumed token again within
 * the grace window yields the same successor, after it revokes the whole session.
 */
@Service
public class SessionService {

	/** 32 bytes from the DRBG: 256 bits, 43 base64url characters. */
	static final int TOKEN_BYTES = 32;

	static final int MAX_TOKEN_LENGTH = 128;

	private final SessionRepository sessions;

	private final TransactionalOperator transactions;

	private final AccessTokenIssuer issuer;

	private final ServerSecrets secrets;

	private final Randoms randoms;

	private final AuditLog audit;

	private final Revocations revocations;

	private final Clock clock;

	private final AuthProperties properties;

	private final AuthMetrics metrics;

	private final RefreshLimit limit;

	SessionService(SessionRepository sessions, TransactionalOperator transactions, AccessTokenIssuer issuer,
			ServerSecrets secrets, Randoms randoms, AuditLog audit, Revocations revocations, Clock clock,
			AuthProperties properties, AuthMetrics metrics, RefreshLimit limit) {
		this.sessions = sessions;
		this.transactions = transactions;
		this.issuer = issuer;
		this.secrets = secrets;
		this.randoms = randoms;
		this.audit = audit;
		this.revocations = revocations;
		this.clock = clock;
		this.properties = properties;
		this.metrics = metrics;
		this.limit = limit;
	}

	/** A new session for a user who just proved who they are. */
	public Mono<IssuedSession> start(User user, ClientInfo client) {
		Instant now = this.clock.instant();
		Session session = new Session(this.randoms.uuid(), user.id(), now, now, now.plus(this.properties.sessionTtl()),
				client.userAgent(), client.ip());
		String refreshToken = this.randoms.token(TOKEN_BYTES);
		return this.sessions.insertSession(session)
			.then(this.sessions.insertToken(hash(refreshToken), session.id(), now))
			.as(this.transactions::transactional)
			.then(Mono.fromRunnable(this.metrics::sessionStarted))
			.then(this.issuer.issue(user.id(), session.id(), user.roles(), session.expiresAt()))
			.map((access) -> new IssuedSession(user.id(), session.id(), refreshToken, session.expiresAt(), access));
	}

	/**
	 * Rotates {@code refreshToken}. Every failure, whatever its cause, is the same
	 * {@link ErrorCode#INVALID_REFRESH}; the outcome is counted once the rotation has committed. On
	 * PostgreSQL a plain rotation is one statement ({@link SessionRepository#rotate}); anything
	 * else, and every refresh on H2, is decided in a transaction ({@link #rotate}). A session past
	 * its {@link RefreshLimit} is refused with {@link ErrorCode#RATE_LIMITED} and when to come
	 * back, its token left unconsumed.
	 */
	public Mono<IssuedSession> refresh(String refreshToken, ClientInfo client) {
		if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > MAX_TOKEN_LENGTH) {
			this.metrics.refresh(AuthMetrics.Refresh.INVALID);
			return Mono.error(invalidRefresh());
		}
		byte[] hash = hash(refreshToken);
		Instant now = this.clock.instant();
		Mono<Rotation> inTransaction = Mono.defer(() -> rotate(hash, now, client).as(this.transactions::transactional));
		return ((this.sessions.rotatesInOneStatement()) ? rotateInOneStatement(hash, now).switchIfEmpty(inTransaction)
				: inTransaction)
			.doOnNext((rotation) -> this.metrics.refresh(rotation.outcome()))
			// the only refusal raised inside the transaction: a logout committed while it ran
			.doOnError(AuthException.class, (ex) -> this.metrics.refresh(AuthMetrics.Refresh.EXPIRED))
			.flatMap((rotation) -> (rotation.retryAfter() != null) ? Mono.error(rateLimited(rotation.retryAfter()))
					: (rotation.state() == null) ? Mono.error(invalidRefresh())
					: this.issuer
						.issue(rotation.state().userId(), rotation.state().sessionId(), rotation.state().roles(),
								rotation.state().sessionExpiresAt())
						.map((access) -> new IssuedSession(rotation.state().userId(), rotation.state().sessionId(),
								rotation.successor(), rotation.state().sessionExpiresAt(), access)));
	}

	/**
	 * Ends the session the refresh token (or, failing that, the access token's sid) belongs to,
	 * and records the revocation in the same transaction.
	 */
	public Mono<Void> logout(String refreshToken, UUID sessionId) {
		Instant now = this.clock.instant();
		Mono<UUID> fromRefresh = (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > MAX_TOKEN_LENGTH)
				? Mono.empty() : this.sessions.findToken(hash(refreshToken)).map(TokenState::sessionId);
		return fromRefresh.switchIfEmpty(Mono.justOrEmpty(sessionId))
			.flatMap((id) -> revokeAndRecord(id, "logout", now))
			.as(this.transactions::transactional)
			.then(Mono.fromRunnable(() -> this.metrics.logout(AuthMetrics.Logout.SESSION)));
	}

	/** Ends every session of the user: one revocation per session, and one for the user. */
	public Mono<Void> revokeAll(UUID userId, ClientInfo client) {
		Instant now = this.clock.instant();
		return revokeAllBut(userId, null, "logout_all", now)
			.flatMap((ended) -> this.audit.record(AuditEvent.ALL_SESSIONS_REVOKED, userId, null, client.ip())
				.then(this.revocations.record(withUser(ended, userId, now))))
			.as(this.transactions::transactional)
			.then(Mono.fromRunnable(() -> this.metrics.logout(AuthMetrics.Logout.ALL)));
	}

	/**
	 * Revokes every session of the user but {@code keep}, after a password change. Records each
	 * session, not the user: a user revocation would end {@code keep} too.
	 */
	public Mono<Void> revokeOthers(UUID userId, UUID keep, ClientInfo client) {
		Instant now = this.clock.instant();
		return revokeAllBut(userId, keep, "password_changed", now)
			.flatMap((ended) -> this.audit.record(AuditEvent.PASSWORD_CHANGED, userId, keep, client.ip())
				.then(this.revocations.record(ended)))
			.as(this.transactions::transactional);
	}

	/**
	 * Ends a session whose refresh came without a proof by the key its login bound it to: its
	 * refresh token left the browser that holds the key. Revoked, audited and recorded for the
	 * gateways in one transaction, as a reused refresh token is.
	 */
	public Mono<Void> revokeUnproven(UUID sessionId, UUID userId, ClientInfo client) {
		Instant now = this.clock.instant();
		return this.sessions.revoke(sessionId, "proof_key_mismatch", now)
			.flatMap((count) -> (count > 0)
					? this.audit.record(AuditEvent.SESSION_KEY_MISMATCH, userId, sessionId, client.ip())
						.then(this.revocations.record(Revocation.session(sessionId, now)))
					: Mono.<Void>empty())
			.as(this.transactions::transactional);
	}

	/** Revokes one of the user's own sessions; {@link ErrorCode#SESSION_NOT_FOUND} for any other. */
	public Mono<Void> revoke(UUID userId, UUID sessionId) {
		Instant now = this.clock.instant();
		return this.sessions.revokeForUser(userId, sessionId, "revoked", now)
			.flatMap((count) -> (count > 0) ? this.revocations.record(Revocation.session(sessionId, now))
					: Mono.<Void>error(new AuthException(ErrorCode.SESSION_NOT_FOUND, "No such active session")))
			.as(this.transactions::transactional);
	}

	public Flux<Session> active(UUID userId) {
		Instant now = this.clock.instant();
		return this.sessions.findActive(userId, now, idleCutoff(now));
	}

	public Mono<Boolean> isActive(UUID sessionId) {
		Instant now = this.clock.instant();
		return this.sessions.isActive(sessionId, now, idleCutoff(now));
	}

	/**
	 * The usual case in one statement: a live, unconsumed token rotated. Nothing if the token is
	 * anything else; then {@link #rotate} in a transaction finds out what, and answers as always.
	 */
	private Mono<Rotation> rotateInOneStatement(byte[] hash, Instant now) {
		return Mono.defer(() -> {
			String successor = this.randoms.token(TOKEN_BYTES);
			byte[] sealed = this.secrets.seal(successor.getBytes(StandardCharsets.US_ASCII), hash);
			return this.sessions
				.rotate(hash, hash(successor), sealed, now, idleCutoff(now), this.limit.windowOpenAfter(now),
						this.limit.rotations())
				.map((state) -> new Rotation(state, successor, AuthMetrics.Refresh.ROTATED, null));
		});
	}

	private Mono<Rotation> rotate(byte[] hash, Instant now, ClientInfo client) {
		return this.sessions.findToken(hash)
			.flatMap((state) -> (state.consumedAt() == null && state.sessionLive(now, idleCutoff(now)))
					? (this.limit.allows(state.refreshWindowStart(), state.refreshWindowCount(), now))
							? consume(hash, state, now, client)
							: Mono.just(Rotation.limited(this.limit.retryAfter(state.refreshWindowStart(), now)))
					: replay(hash, state, now, client))
			.defaultIfEmpty(Rotation.INVALID);
	}

	private Mono<Rotation> consume(byte[] hash, TokenState state, Instant now, ClientInfo client) {
		String successor = this.randoms.token(TOKEN_BYTES);
		byte[] successorHash = hash(successor);
		byte[] sealed = this.secrets.seal(successor.getBytes(StandardCharsets.US_ASCII), hash);
		return this.sessions.consume(hash, successorHash, sealed, now)
			.flatMap((won) -> (won > 0)
					? this.sessions.insertToken(successorHash, state.sessionId(), now)
						.then(this.sessions.touch(state.sessionId(), now, this.limit.windowOpenAfter(now)))
						// A logout committed between our read and now: roll the rotation back.
						.flatMap((touched) -> (touched > 0)
								? Mono.just(new Rotation(state, successor, AuthMetrics.Refresh.ROTATED, null))
								: Mono.<Rotation>error(invalidRefresh()))
					// Someone consumed it between our read and our update: read what they left.
					: this.sessions.findToken(hash).flatMap((fresh) -> replay(hash, fresh, now, client)));
	}

	private Mono<Rotation> replay(byte[] hash, TokenState state, Instant now, ClientInfo client) {
		if (!state.sessionLive(now, idleCutoff(now)) || state.consumedAt() == null) {
			return Mono.just(Rotation.EXPIRED);
		}
		Duration sinceConsumed = Duration.between(state.consumedAt(), now);
		if (sinceConsumed.compareTo(this.properties.refreshGrace()) <= 0 && state.successorSealed() != null) {
			String successor = new String(this.secrets.open(state.successorSealed(), hash), StandardCharsets.US_ASCII);
			return Mono.just(new Rotation(state, successor, AuthMetrics.Refresh.GRACE_SUCCESSOR, null));
		}
		return this.sessions.revoke(state.sessionId(), "refresh_token_reused", now)
			.flatMap((count) -> this.audit.record(AuditEvent.REFRESH_TOKEN_REUSED, state.userId(), state.sessionId(), client.ip())
				.then((count > 0) ? this.revocations.record(Revocation.session(state.sessionId(), now)) : Mono.empty()))
			.thenReturn(Rotation.REUSED);
	}

	/** Revokes one session and records it, if it was not revoked already. */
	private Mono<Void> revokeAndRecord(UUID sessionId, String reason, Instant now) {
		return this.sessions.revoke(sessionId, reason, now)
			.flatMap((count) -> (count > 0) ? this.revocations.record(Revocation.session(sessionId, now)) : Mono.empty());
	}

	/** Revokes the user's sessions but {@code keep}; returns one revocation per session it ended. */
	private Mono<List<Revocation>> revokeAllBut(UUID userId, UUID keep, String reason, Instant now) {
		return this.sessions.lockRevocable(userId, keep)
			.map((id) -> Revocation.session(id, now))
			.collectList()
			.flatMap((ended) -> this.sessions.revokeAllForUser(userId, keep, reason, now).thenReturn(ended));
	}

	private static List<Revocation> withUser(List<Revocation> sessions, UUID userId, Instant now) {
		List<Revocation> all = new ArrayList<>(sessions);
		all.add(Revocation.user(userId, now));
		return all;
	}

	private Instant idleCutoff(Instant now) {
		return now.minus(this.properties.sessionIdleTtl());
	}

	private byte[] hash(String refreshToken) {
		return this.secrets.pepperedHash(refreshToken);
	}

	static AuthException invalidRefresh() {
		return new AuthException(ErrorCode.INVALID_REFRESH, "The session is over; log in again");
	}

	private static AuthException rateLimited(Duration retryAfter) {
		return new AuthException(ErrorCode.RATE_LIMITED, "This session has refreshed too often; try again later",
				retryAfter, null);
	}

	/**
	 * Erases sealed successors once the grace window has passed (nothing can ask for them any
	 * more), then deletes sessions that ended before {@code endedBefore} with their tokens,
	 * {@code batchSize} rows per statement. Emits how many rows were touched.
	 */
	public Mono<Long> purge(Instant now, Instant endedBefore, int batchSize) {
		return Flux
			.concat(this.sessions.clearSealedSuccessors(now.minus(this.properties.refreshGrace()), batchSize),
					this.sessions.deleteEndedBefore(endedBefore, batchSize))
			.reduce(0L, Long::sum);
	}

	/**
	 * The outcome of a rotation inside its transaction; no state means rejected, and a
	 * {@code retryAfter} that the session's refresh limit refused it for that long.
	 */
	private record Rotation(TokenState state, String successor, AuthMetrics.Refresh outcome, Duration retryAfter) {

		static final Rotation INVALID = new Rotation(null, null, AuthMetrics.Refresh.INVALID, null);

		static final Rotation EXPIRED = new Rotation(null, null, AuthMetrics.Refresh.EXPIRED, null);

		static final Rotation REUSED = new Rotation(null, null, AuthMetrics.Refresh.REUSE_DETECTED, null);

		static Rotation limited(Duration retryAfter) {
			return new Rotation(null, null, AuthMetrics.Refresh.RATE_LIMITED, retryAfter);
		}

		@Override
		public String toString() {
			return "Rotation[session=" + ((this.state != null) ? this.state.sessionId() : null) + "]";
		}

	}

}
