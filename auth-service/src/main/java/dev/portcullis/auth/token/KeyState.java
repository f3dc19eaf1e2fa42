package dev.portcullis.auth.token;

import java.time.Duration;
import java.time.Instant;

/** One signing key's dates, as operators see them; never the key material. */
record KeyState(String kid, Instant createdAt, Instant activeFrom, Instant retiredAt, Instant withdrawnAt) {

	/** {@code withdrawn}, {@code pending} (published, not yet signing), {@code signing}, {@code published} or {@code retired}. */
	String state(Instant now, Duration tokenLifetime) {
		if (this.withdrawnAt != null) {
			return "withdrawn";
		}
		if (now.isBefore(this.activeFrom)) {
			return "pending";
		}
		if (this.retiredAt == null || now.isBefore(this.retiredAt)) {
			return "signing";
		}
		return now.isBefore(this.retiredAt.plus(tokenLifetime)) ? "published" : "retired";
	}

}
