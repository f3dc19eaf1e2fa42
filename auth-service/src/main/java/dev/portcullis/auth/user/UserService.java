package dev.portcullis.auth.user;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Registration, password checks and password changes. */
@Service
public class UserService {

	private final UserRepository users;

	private final PasswordHasher hasher;

	private final PasswordPolicy policy;

	private final LoginThrottle throttle;

	private final Randoms randoms;

	private final Clock clock;

	private final TransactionalOperator transactions;

	private final List<String> defaultRoles;

	UserService(UserRepository users, PasswordHasher hasher, PasswordPolicy policy, LoginThrottle throttle, Randoms randoms,
			Clock clock, TransactionalOperator transactions, AuthProperties properties) {
		this.users = users;
		this.hasher = hasher;
		this.policy = policy;
		this.throttle = throttle;
		this.randoms = randoms;
		this.clock = clock;
		this.transactions = transactions;
		this.defaultRoles = List.copyOf(properties.defaultRoles());
	}

	/**
	 * A new account; {@link ErrorCode#EMAIL_TAKEN} when the address is registered already, found
	 * before hashing, so that answer costs no Argon2. Each attempt takes one from its client's
	 * registration budget ({@link ErrorCode#TOO_MANY_ATTEMPTS} when used up), and hashes on the
	 * registrations' share of the hashing pool.
	 * @param clientIp the client's address; null when unknown
	 */
	public Mono<User> register(String rawEmail, String password, String clientIp) {
		return Mono.fromCallable(() -> {
			String email = EmailAddress.normalise(rawEmail);
			this.policy.check(password);
			return email;
		})
			.flatMap((email) -> this.throttle.reserveRegistration(clientIp, this.clock.instant())
				.then(this.users.findForLogin(email).hasElement())
				.flatMap((taken) -> taken ? Mono.error(emailTaken()) : this.hasher.hashForRegistration(password))
				.map((hash) -> new User(this.randoms.uuid(), email, hash, this.defaultRoles, this.clock.instant())))
			.flatMap((user) -> this.users.insert(user).thenReturn(user))
			.onErrorMap(DataIntegrityViolationException.class, (ex) -> emailTaken());
	}

	private static AuthException emailTaken() {
		return new AuthException(ErrorCode.EMAIL_TAKEN, "An account with this email already exists");
	}

	/**
	 * The account whose password this is. Unknown address and wrong password fail alike with
	 * {@link ErrorCode#INVALID_CREDENTIALS}, after the same work, and are slowed down alike.
	 * @param clientIp the client's address, for its own limit and to recognise where the account
	 * last logged in from; null when unknown
	 */
	public Mono<User> authenticate(String rawEmail, String password, String clientIp) {
		return Mono.fromCallable(() -> EmailAddress.normalise(rawEmail)).flatMap((email) -> {
			if (password == null) {
				return Mono.error(new AuthException(ErrorCode.INVALID_REQUEST, "password is required"));
			}
			Instant now = this.clock.instant();
			return this.users.findForLogin(email)
				.map(Optional::of)
				.defaultIfEmpty(Optional.empty())
				.flatMap((account) -> {
					boolean lastLoginAddress = account.map((a) -> LoginThrottle.sameDevice(clientIp, a.lastLoginIp()))
						.orElse(false);
					Optional<User> user = account.map(UserRepository.LoginAccount::user);
					return this.throttle.reserveLogin(email, clientIp, lastLoginAddress, now)
						.flatMap((reservation) -> checked(reservation,
								this.hasher.verify(password, user.map(User::passwordHash).orElse(null)))
							.flatMap((verification) -> (user.isPresent() && verification.matched())
									? succeeded(reservation, account.get(), password, verification, clientIp, now)
									: failed(reservation,
											new AuthException(ErrorCode.INVALID_CREDENTIALS, "Email or password is not correct"))));
				});
		});
	}

	/**
	 * Replaces the password after checking the current one, and runs {@code alongside} (the
	 * revocation of the other sessions) in the same transaction: the new password and its
	 * consequences commit together or not at all. The check is slowed down per account like a
	 * login, so a stolen session cannot guess the password at hashing speed; it and the new hash
	 * are computed before the transaction starts, so no hashing holds a connection.
	 */
	public Mono<Void> changePassword(UUID userId, String currentPassword, String newPassword, Mono<Void> alongside) {
		return Mono.fromRunnable(() -> {
			if (currentPassword == null) {
				throw new AuthException(ErrorCode.INVALID_REQUEST, "currentPassword is required");
			}
			this.policy.check(newPassword);
		})
			.then(this.users.findById(userId))
			.switchIfEmpty(Mono.error(() -> new AuthException(ErrorCode.TOKEN_INVALID, "The account no longer exists")))
			.flatMap((user) -> this.throttle.reservePasswordCheck(userId, this.clock.instant())
				.flatMap((reservation) -> checked(reservation, this.hasher.verify(currentPassword, user.passwordHash()))
					.flatMap((verification) -> verification.matched() ? this.throttle.succeeded(reservation).then(this.hasher.hash(newPassword))
							: failed(reservation,
									new AuthException(ErrorCode.INVALID_CREDENTIALS, "The current password is not correct")))))
			.flatMap((hash) -> this.users.updatePasswordHash(userId, hash, this.clock.instant())
				.then(alongside)
				.as(this.transactions::transactional))
			.then();
	}

	public Mono<User> findById(UUID id) {
		return this.users.findById(id);
	}

	/**
	 * Deletes stale attempt budgets of the login and password-change throttles, {@code batchSize}
	 * rows per statement; emits how many.
	 */
	public Mono<Long> purgeLoginAttempts(Instant now, int batchSize) {
		return this.throttle.purge(now, batchSize);
	}

	/** The verification; if it never ran (the hashing pool was full), the attempt is given back. */
	private Mono<PasswordHasher.Verification> checked(LoginThrottle.Reservation reservation,
			Mono<PasswordHasher.Verification> verification) {
		return verification.onErrorResume((ex) -> this.throttle.abandoned(reservation)
			.onErrorResume((undoFailed) -> Mono.empty())
			.then(Mono.error(ex)));
	}

	private Mono<User> succeeded(LoginThrottle.Reservation reservation, UserRepository.LoginAccount account, String password,
			PasswordHasher.Verification verification, String clientIp, Instant now) {
		User user = account.user();
		Mono<Void> rehashed = (verification == PasswordHasher.Verification.MATCHED_NEEDS_REHASH)
				? this.hasher.hash(password).flatMap((hash) -> this.users.updatePasswordHash(user.id(), hash, now)).then()
				: Mono.empty();
		// written only when it changes: a login from the same address costs no statement for it
		Mono<Void> remembered = (clientIp != null && !clientIp.equals(account.lastLoginIp()))
				? this.users.recordLogin(user.id(), clientIp) : Mono.empty();
		return this.throttle.succeeded(reservation).then(rehashed).then(remembered).thenReturn(user);
	}

	private <T> Mono<T> failed(LoginThrottle.Reservation reservation, AuthException answer) {
		return this.throttle.failed(reservation, this.clock.instant()).then(Mono.error(answer));
	}

}
