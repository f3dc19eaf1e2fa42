package dev.portcullis.gateway.security;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.web.ProblemException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * The access token is missing, expired or invalid, or its session has been revoked: 401 with an RFC 6750 §3
 * {@code WWW-Authenticate} challenge. The detail never says which check failed, beyond what
 * a client needs to choose between refreshing ({@code token_expired}) and logging in.
 */
final class TokenRejectedException extends ProblemException {

	private TokenRejectedException(String code, String detail) {
		super(HttpStatus.UNAUTHORIZED, code, detail, null);
	}

	static TokenRejectedException missing() {
		return new TokenRejectedException("token_missing", "The access token is missing");
	}

	static TokenRejectedException expired() {
		return new TokenRejectedException("token_expired", "The access token has expired");
	}

	static TokenRejectedException invalid() {
		return new TokenRejectedException("token_invalid", "The access token is invalid");
	}

	static TokenRejectedException revoked() {
		return new TokenRejectedException(ErrorCodes.SESSION_REVOKED, "The session has ended");
	}

	@Override
	public void addHeaders(HttpHeaders headers) {
		headers.set(HttpHeaders.WWW_AUTHENTICATE,
				"Bearer error=\"invalid_token\", error_description=\"" + detail() + "\"");
	}

}
