package dev.portcullis.auth.user;

import java.time.Instant;
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
			.bind("roles", Roles.format(user.roles()))
			.bind("now", Times.db(user.createdAt()))
			.then();
	}

	Mono<User> findByEmail(String email) {
		return this.db.sql("SELECT " + COLUMNS + " FROM users WHERE email = :email")
			.bind("email", email)
			.map(UserRepository::user)
			.one();
	}

	/** The account of {@code email} with the client address of its latest successful login (may be null). */
	Mono<LoginAccount> findForLogin(String email) {
		return this.db.sql("SELECT " + COLUMNS + ", last_login_ip FROM users WHERE email = :email")
			.bind("email", email)
			.map((row) -> new LoginAccount(user(row), row.get("last_login_ip", String.class)))
			.one();
	}

	/** Remembers where the account last logged in from. */
	Mono<Void> recordLogin(UUID id, String clientIp) {
		return this.db.sql("UPDATE users SET last_login_ip = :ip WHERE id = :id AND (last_login_ip IS NULL OR last_login_ip <> :ip)")
			.bind("ip", clientIp)
			.bind("id", id)
			.then();
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

	/** An account as a login sees it. */
	record LoginAccount(User user, String lastLoginIp) {
	}

	private static User user(Readable row) {
		return new User(row.get("id", UUID.class), row.get("email", String.class), row.get("password_hash", String.class),
				Roles.parse(row.get("roles", String.class)),
				Times.instant(row, "created_at"));
	}

}
