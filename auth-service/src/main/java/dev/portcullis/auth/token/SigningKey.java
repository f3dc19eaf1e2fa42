package dev.portcullis.auth.token;

import java.time.Duration;
import java.time.Instant;

import com.nimbusds.jose.jwk.RSAKey;

/**
 * One RS256 key pair and its life: published from {@code createdAt}, signs from
 * {@code activeFrom} until {@code retiredAt}, published until every token it signed has expired.
 */
record SigningKey(String kid, RSAKey jwk, Instant createdAt, Instant activeFrom, Instant retiredAt) {

	boolean signsAt(Instant now) {
		return !now.isBefore(this.activeFrom) && (this.retiredAt == null || now.isBefore(this.retiredAt));
	}

	boolean publishedAt(Instant now, Duration tokenLifetime) {
		return this.retiredAt == null || now.isBefore(this.retiredAt.plus(tokenLifetime));
	}

	@Override
	public String toString() {
		return "SigningKey[kid=" + this.kid + ", activeFrom=" + this.activeFrom + ", retiredAt=" + this.retiredAt + "]";
	}

}
