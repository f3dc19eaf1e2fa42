package dev.portcullis.auth;

import dev.portcullis.contract.ErrorCodes;

/**
 * The stable {@code code} of every error answer; clients branch on it, so never rename one.
 * Codes the gateway answers with too are spelled once, in the contract's {@link ErrorCodes}.
 */
public enum ErrorCode {

	INVALID_REQUEST(ErrorCodes.INVALID_REQUEST),
	WEAK_PASSWORD("weak_password"),
	EMAIL_TAKEN("email_taken"),
	INVALID_CREDENTIALS("invalid_credentials"),
	INVALID_REFRESH(ErrorCodes.INVALID_REFRESH),
	INVALID_PROOF(ErrorCodes.INVALID_PROOF),
	PROOF_REQUIRED(ErrorCodes.PROOF_REQUIRED),
	TOKEN_MISSING(ErrorCodes.TOKEN_MISSING),
	TOKEN_EXPIRED(ErrorCodes.TOKEN_EXPIRED),
	TOKEN_INVALID(ErrorCodes.TOKEN_INVALID),
	SESSION_REVOKED(ErrorCodes.SESSION_REVOKED),
	KEY_WITHDRAWN(ErrorCodes.KEY_WITHDRAWN),
	SESSION_NOT_FOUND("session_not_found"),
	NOT_FOUND("not_found"),
	METHOD_NOT_ALLOWED("method_not_allowed"),
	UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
	PAYLOAD_TOO_LARGE("payload_too_large"),
	TOO_MANY_ATTEMPTS("too_many_attempts"),
	BUSY("busy"),
	RATE_LIMITED(ErrorCodes.RATE_LIMITED),
	FEED_UNAUTHORIZED("feed_unauthorized"),
	ADMIN_UNAUTHORIZED("admin_unauthorized"),
	ADMIN_DISABLED("admin_disabled"),
	UNAVAILABLE(ErrorCodes.UNAVAILABLE),
	INTERNAL("internal_error");

	private final String value;

	ErrorCode(String value) {
		this.value = value;
	}

	public String value() {
		return this.value;
	}

}
