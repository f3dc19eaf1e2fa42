package dev.portcullis.auth.user;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import dev.portcullis.auth.support.Times;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

@Repository
class UserRepository {

	private static final String COLUMNS = "id, email, password_hash, roles, created_at";

	private final DatabaseClient db;

	UserRepository(DatabaseClient db) {
		this.db = db;
	}

	Mono<Void> insert(User user) {
		return this.db
			.sql("INSERT INTO users (id, email, password_hash, roles, created_at, updated_at) "
					+ "VALUES (:id, :email, :hash, :roles, :now, :now)")
			.bind("id", user.id())
			.bind("email", user.email())
			.bind("hash", user.passwordHash())
			.bind("roles", String.join(",", user.roles()))
			.bind("now", Times.db(user.createdAt()))
			.then();
	}

	Mono<User> findByEmail(String email) {
		return this.db.sql("SELECT " + COLUMNS + " FROM users WHERE email = :email")
			.bind("email", email)
			.map(UserRepository::user)
			.one();
	}

	Mono<User> findById(UUID id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id").bind("id", id).map(UserRepository::user).one();
	}

	Mono<Long> updatePasswordHash(UUID id, String hash, Instant now) {
		return this.db.sql("UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id")
			.bind("hash", hash)
			.bind("now", Times.db(now))
			.bind("id", id)
			.fetch()
			.rowsUpdated();
	}

	private static User user(Readable row) {
		String roles = row.get("roles", String.class);
		List<String> list = (roles == null || roles.isBlank()) ? List.of()
				: Arrays.stream(roles.split(",")).map(String::strip).filter((r) -> !r.isEmpty()).toList();
		return new User(row.get("id", UUID.class), row.get("email", String.class), row.get("password_hash", String.class), list,
				Times.instant(row, "created_at"));
	}

}
