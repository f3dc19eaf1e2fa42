package dev.portcullis.auth.audit;

/** The kinds of audit event; the value is what the {@code type} column holds. */
public enum AuditEvent {

	REFRESH_TOKEN_REUSED("refresh_token_reused"),
	/** A refresh of a session bound to a key, without a proof by that key: the cookie left the browser. */
	SESSION_KEY_MISMATCH("session_key_mismatch"),
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
