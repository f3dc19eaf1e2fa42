package dev.portcullis.auth.token;

/**
 * A stored signing key that fails its integrity check: its public half is not the one sealed
 * with its private half (or the master secret changed). The key ring then neither signs nor
 * publishes anything, rather than serve a public key someone may have put there.
 */
class KeyRefusedException extends IllegalStateException {

	private final String kid;

	KeyRefusedException(String kid, String reason, Throwable cause) {
		super("Signing key " + kid + " refused: " + reason + ". No key signs or is published until its signing_keys "
				+ "row is restored or marked withdrawn (withdrawn_at); check who can write that table", cause);
		this.kid = kid;
	}

	String kid() {
		return this.kid;
	}

}
