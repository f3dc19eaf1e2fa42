package dev.portcullis.auth.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An account. The password hash is an encoded Argon2id string and never leaves the service. */
public record User(UUID id, String email, String passwordHash, List<String> roles, Instant createdAt) {

	@Override
	public String toString() {
		return "User[id=" + this.id + ", roles=" + this.roles + "]";
	}

}
