package dev.portcullis.auth.proof;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.crypto.ServerSecrets;
import dev.portcullis.auth.proof.SessionBindingProperties.Mode;
import dev.portcullis.auth.proof.SessionKeys.BoundSession;
import dev.portcullis.auth.session.ClientInfo;
import dev.portcullis.auth.session.SessionService;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Sessions bound to a key the browser holds, by a proof of possession shaped like DPoP (RFC
 * 9449): a login that carries a proof binds its session to the proof's key (its RFC 7638
 * thumbprint); every refresh of a bound session must carry a fresh proof by that key. A refresh
 * of a bound session without one, or with one by another key, means its refresh cookie left the
 * browser that holds the key: the session is ended as for a reused refresh token.
 *
 * <p>Runs before the password check and before the rotation, so a refused proof changes nothing
 * but, on a bound session, ends it.
 */
@Service
public class SessionBinding {

	private final SessionBindingProperties properties;

	private final ProofVerifier verifier;

	private final ProofReplays replays;

	private final SessionKeys keys;

	private final SessionService sessions;

	private final ServerSecrets secrets;

	private final Clock clock;

	SessionBinding(SessionBindingProperties properties, ProofReplays replays, SessionKeys keys, SessionService sessions,
			ServerSecrets secrets, Clock clock) {
		this.properties = properties;
		this.verifier = new ProofVerifier(properties.proofWindow());
		this.replays = replays;
		this.keys = keys;
		this.sessions = sessions;
		this.secrets = secrets;
		this.clock = clock;
	}

	/**
	 * The proof a login carries, checked but not yet spent: empty if the login starts an unbound
	 * session ({@code off}, or no proof under {@code optional}).
	 * @throws AuthException (as the Mono's error) {@link ErrorCode#INVALID_PROOF} for a defective
	 * proof, {@link ErrorCode#PROOF_REQUIRED} for none under {@code required}
	 */
	public Mono<Optional<Proof>> atLogin(ProofRequest request) {
		return Mono.fromCallable(() -> {
			Mode mode = this.properties.sessionBinding();
			if (mode == Mode.OFF) {
				return Optional.empty();
			}
			if (!request.carriesProof()) {
				if (mode == Mode.REQUIRED) {
					throw new AuthException(ErrorCode.PROOF_REQUIRED, "This service binds every session to a key the "
							+ "browser holds: log in with a DPoP proof (a browser with WebCrypto and IndexedDB)");
				}
				return Optional.empty();
			}
			return Optional.of(this.verifier.verify(request, this.clock.instant()));
		});
	}

	/**
	 * Spends the login's proof, once the password was right and before the session starts; a
	 * proof seen before is refused. Nothing for an unbound login.
	 */
	public Mono<Void> spend(Optional<Proof> proof) {
		return proof.map(this::spend).orElse(Mono.empty());
	}

	/** Binds the session the login just started to the proof's key. Nothing for an unbound login. */
	public Mono<Void> bind(Optional<Proof> proof, UUID sessionId) {
		return proof.map((spent) -> this.keys.bind(sessionId, spent.thumbprint())).orElse(Mono.empty());
	}

	/**
	 * Checks the proof of a refresh before its rotation: a bound session needs a fresh proof by its
	 * key. Nothing to check for an unknown token or a revoked session (the rotation refuses those)
	 * nor, under {@code optional}, for an unbound session; under {@code required} an unbound session
	 * is refused. A bound session whose refresh has no proof, or one by another key, is ended
	 * (revoked, audited, fed to the gateways) before the refusal.
	 */
	public Mono<Void> beforeRefresh(String refreshToken, ProofRequest request, ClientInfo client) {
		if (this.properties.sessionBinding() == Mode.OFF || refreshToken == null || refreshToken.isEmpty()) {
			return Mono.empty();
		}
		return Mono.fromCallable(() -> this.secrets.pepperedHash(refreshToken))
			.flatMap(this.keys::findLiveByRefreshToken)
			.flatMap((session) -> check(session, request, client));
	}

	/** Deletes the replay records of proofs that are stale by now; emits how many. */
	public Mono<Long> purge(Instant now, int batchSize) {
		return this.replays.deleteExpired(now, batchSize);
	}

	private Mono<Void> check(BoundSession session, ProofRequest request, ClientInfo client) {
		if (!session.bound()) {
			return (this.properties.sessionBinding() == Mode.REQUIRED) ? Mono.error(ProofVerifier
				.invalid("This session is not bound to a key, which this service requires: log in again")) : Mono.empty();
		}
		if (!request.carriesProof()) {
			return stolen(session, client, "The session is bound to a key, and the refresh has no proof by it");
		}
		Proof proof = this.verifier.verify(request, this.clock.instant());
		if (!proof.thumbprint().equals(session.thumbprint())) {
			return stolen(session, client, "The refresh's proof is by another key than the session's");
		}
		return spend(proof);
	}

	private Mono<Void> spend(Proof proof) {
		return this.replays.firstUse(proof, this.verifier.acceptedUntil(proof.issuedAt()))
			.flatMap((first) -> first ? Mono.<Void>empty()
					: Mono.error(ProofVerifier.invalid("The DPoP proof was used before; make a new one per request")));
	}

	private Mono<Void> stolen(BoundSession session, ClientInfo client, String detail) {
		return this.sessions.revokeUnproven(session.sessionId(), session.userId(), client)
			.then(Mono.error(ProofVerifier.invalid(detail + "; the session has ended")));
	}

}
