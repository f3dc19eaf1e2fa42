package dev.portcullis.auth.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.portcullis.auth.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The auth service's own counters, each registered once at start-up for every value of its
 * tags, so counting on a request is an array look-up and an increment. Tags come from the fixed
 * enums below only: never a user, session, address or path.
 */
@Component
public class AuthMetrics {

	private final Map<Login, Counter> logins;

	private final Map<Registration, Counter> registrations;

	private final Map<Refresh, Counter> refreshes;

	private final Map<Logout, Counter> logouts;

	private final Map<ErrorCode, Counter> errors;

	private final Counter sessionsStarted;

	public AuthMetrics(MeterRegistry registry) {
		this.logins = counters(registry, Login.class, "portcullis.auth.logins", "Login answers by outcome", "outcome",
				AuthMetrics::tagOf);
		this.registrations = counters(registry, Registration.class, "portcullis.auth.registrations",
				"Registration answers by outcome", "outcome", AuthMetrics::tagOf);
		this.refreshes = counters(registry, Refresh.class, "portcullis.auth.refreshes",
				"Refresh-token presentations by outcome", "outcome", AuthMetrics::tagOf);
		this.logouts = counters(registry, Logout.class, "portcullis.auth.logouts",
				"Logouts by scope: one session or all of the user's", "scope", AuthMetrics::tagOf);
		this.errors = counters(registry, ErrorCode.class, "portcullis.auth.errors", "Error answers by their problem code",
				"code", ErrorCode::value);
		this.sessionsStarted = Counter.builder("portcullis.auth.sessions.started")
			.description("Sessions started by a login")
			.register(registry);
	}

	public void login(Login outcome) {
		this.logins.get(outcome).increment();
	}

	/** A failed login, counted when its code is one of {@link Login}'s; other failures are only errors. */
	public void loginFailed(ErrorCode code) {
		Login outcome = switch (code) {
			case INVALID_CREDENTIALS -> Login.INVALID_CREDENTIALS;
			case TOO_MANY_ATTEMPTS -> Login.THROTTLED;
			case BUSY -> Login.BUSY;
			default -> null;
		};
		if (outcome != null) {
			login(outcome);
		}
	}

	public void registration(Registration outcome) {
		this.registrations.get(outcome).increment();
	}

	/** A failed registration, counted when its code is one of {@link Registration}'s. */
	public void registrationFailed(ErrorCode code) {
		Registration outcome = switch (code) {
			case EMAIL_TAKEN -> Registration.EMAIL_TAKEN;
			case WEAK_PASSWORD -> Registration.WEAK_PASSWORD;
			case INVALID_REQUEST -> Registration.INVALID_REQUEST;
			case BUSY -> Registration.BUSY;
			case TOO_MANY_ATTEMPTS -> Registration.TOO_MANY_ATTEMPTS;
			default -> null;
		};
		if (outcome != null) {
			registration(outcome);
		}
	}

	public void refresh(Refresh outcome) {
		this.refreshes.get(outcome).increment();
	}

	public void logout(Logout scope) {
		this.logouts.get(scope).increment();
	}

	public void sessionStarted() {
		this.sessionsStarted.increment();
	}

	/** An error answer, whichever part of the service raised it. */
	public void error(ErrorCode code) {
		this.errors.get(code).increment();
	}

	/** One counter for every value of {@code type}, as the value of tag {@code tag}. */
	private static <E extends Enum<E>> Map<E, Counter> counters(MeterRegistry registry, Class<E> type, String name,
			String description, String tag, Function<E, String> value) {
		Map<E, Counter> counters = new EnumMap<>(type);
		for (E constant : type.getEnumConstants()) {
			counters.put(constant,
					Counter.builder(name).description(description).tag(tag, value.apply(constant)).register(registry));
		}
		return counters;
	}

	/** An outcome's or scope's tag value: its name in lower case ({@code GRACE_SUCCESSOR}: {@code grace_successor}). */
	private static String tagOf(Enum<?> constant) {
		return constant.name().toLowerCase(Locale.ROOT);
	}

	/** What a login ended in. */
	public enum Login {

		OK, INVALID_CREDENTIALS, THROTTLED, BUSY

	}

	/** What a registration ended in. */
	public enum Registration {

		OK, EMAIL_TAKEN, WEAK_PASSWORD, INVALID_REQUEST, BUSY, TOO_MANY_ATTEMPTS

	}

	/** What presenting a refresh token ended in. */
	public enum Refresh {

		/** Consumed, and a successor issued. */
		ROTATED,
		/** Consumed already, within the grace window: the same successor again. */
		GRACE_SUCCESSOR,
		/** Consumed already, after the grace window: the session is revoked as stolen. */
		REUSE_DETECTED,
		/** A known token of a session that is over: expired, idle too long, revoked or logged out. */
		EXPIRED,
		/** Not consumed: the session used up its rotations for the window (portcullis.auth.refresh-limit). */
		RATE_LIMITED,
		/** Missing, malformed or unknown. */
		INVALID

	}

	/** How much a logout ended. */
	public enum Logout {

		SESSION, ALL

	}

}
