package dev.portcullis.auth.metrics;

import java.util.EnumMap;
import java.util.Map;

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

	private final Map<Login, Counter> logins = new EnumMap<>(Login.class);

	private final Map<Registration, Counter> registrations = new EnumMap<>(Registration.class);

	private final Map<Refresh, Counter> refreshes = new EnumMap<>(Refresh.class);

	private final Map<Logout, Counter> logouts = new EnumMap<>(Logout.class);

	private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

	private final Counter sessionsStarted;

	public AuthMetrics(MeterRegistry registry) {
		for (Login outcome : Login.values()) {
			this.logins.put(outcome, Counter.builder("portcullis.auth.logins")
				.description("Login answers by outcome")
				.tag("outcome", outcome.tag)
				.register(registry));
		}
		for (Registration outcome : Registration.values()) {
			this.registrations.put(outcome, Counter.builder("portcullis.auth.registrations")
				.description("Registration answers by outcome")
				.tag("outcome", outcome.tag)
				.register(registry));
		}
		for (Refresh outcome : Refresh.values()) {
			this.refreshes.put(outcome, Counter.builder("portcullis.auth.refreshes")
				.description("Refresh-token presentations by outcome")
				.tag("outcome", outcome.tag)
				.register(registry));
		}
		for (Logout scope : Logout.values()) {
			this.logouts.put(scope, Counter.builder("portcullis.auth.logouts")
				.description("Logouts by scope: one session or all of the user's")
				.tag("scope", scope.tag)
				.register(registry));
		}
		for (ErrorCode code : ErrorCode.values()) {
			this.errors.put(code, Counter.builder("portcullis.auth.errors")
				.description("Error answers by their problem code")
				.tag("code", code.value())
				.register(registry));
		}
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

	/** What a login ended in. */
	public enum Login {

		OK("ok"), INVALID_CREDENTIALS("invalid_credentials"), THROTTLED("throttled"), BUSY("busy");

		private final String tag;

		Login(String tag) {
			this.tag = tag;
		}

	}

	/** What a registration ended in. */
	public enum Registration {

		OK("ok"), EMAIL_TAKEN("email_taken"), WEAK_PASSWORD("weak_password"), INVALID_REQUEST("invalid_request"),
		BUSY("busy");

		private final String tag;

		Registration(String tag) {
			this.tag = tag;
		}

	}

	/** What presenting a refresh token ended in. */
	public enum Refresh {

		/** Consumed, and a successor issued. */
		ROTATED("rotated"),
		/** Consumed already, within the grace window: the same successor again. */
		GRACE_SUCCESSOR("grace_successor"),
		/** Consumed already, after the grace window: the session is revoked as stolen. */
		REUSE_DETECTED("reuse_detected"),
		/** A known token of a session that is over: expired, idle too long, revoked or logged out. */
		EXPIRED("expired"),
		/** Missing, malformed or unknown. */
		INVALID("invalid");

		private final String tag;

		Refresh(String tag) {
			this.tag = tag;
		}

	}

	/** How much a logout ended. */
	public enum Logout {

		SESSION("session"), ALL("all");

		private final String tag;

		Logout(String tag) {
			this.tag = tag;
		}

	}

}
