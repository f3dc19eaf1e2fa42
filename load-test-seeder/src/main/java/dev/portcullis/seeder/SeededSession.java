package dev.portcullis.seeder;

import java.util.UUID;

/** A test user and its live session: what one virtual user of a load test needs. */
record SeededSession(UUID userId, String email, String password, String accessToken, String refreshToken) {

	/** The columns of {@link #csvLine()}, the header of a sessions file. */
	static final String CSV_HEADER = "user_id,email,password,access_token,refresh_token";

	/** One line of a sessions file; no value can contain a comma (UUID, address, base64url). */
	String csvLine() {
		return this.userId + "," + this.email + "," + this.password + "," + this.accessToken + "," + this.refreshToken;
	}

	@Override
	public String toString() {
		return "SeededSession[userId=" + this.userId + "]";
	}

}
