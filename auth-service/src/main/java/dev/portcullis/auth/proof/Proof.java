package dev.portcullis.auth.proof;

import java.time.Instant;

/**
 * A verified proof: the thumbprint of the key that signed it, and what makes it unique.
 *
 * @param thumbprint the RFC 7638 SHA-256 thumbprint of the proof's public key, base64url
 * @param jti the proof's unique identifier
 * @param issuedAt the proof's {@code iat}
 */
public record Proof(String thumbprint, String jti, Instant issuedAt) {

	@Override
	public String toString() {
		return "Proof[thumbprint=" + this.thumbprint + "]";
	}

}
