package dev.portcullis.auth.audit;

/** The kinds of audit event; the value is what the {@code type} column holds. */
public enum AuditEvent {

	REFRESH_TOKEN_REUSED("refresh_token_reused"),
	PASSWORD_CHANGED("password_changed"),
	ALL_SESSIONS_REVOKED("all_sessions_revoked");

	private final String value;

	AuditEvent(String value) {
		this.value = value;
	}

	public String value() {
		return this.value;
	}

}
