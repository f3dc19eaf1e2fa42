package dev.portcullis.seeder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.auth.support.Batches;
import dev.portcullis.auth.support.Times;
import dev.portcullis.auth.user.Roles;
import dev.portcullis.auth.user.User;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * Test users in the service's {@code users} table, marked {@code test_user} (the V3 migration):
 * the only rows the seeder writes there, and the only ones it counts or deletes.
 */
@Repository
class TestUserRepository {

	private final DatabaseClient db;

	TestUserRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Inserts test users in one multi-row statement. They share one password hash, roles and
	 * creation time: the first user's.
	 */
	Mono<Void> insert(List<User> users) {
		User first = users.get(0);
		StringBuilder sql = new StringBuilder(
				"INSERT INTO users (id, email, password_hash, roles, created_at, updated_at, test_user) VALUES ");
		Map<String, Object> values = new HashMap<>();
		values.put("hash", first.passwordHash());
		values.put("roles", Roles.format(first.roles()));
		values.put("now", Times.db(first.createdAt()));
		for (int i = 0; i < users.size(); i++) {
			sql.append((i > 0) ? ", " : "").append("(:id").append(i).append(", :email").append(i)
				.append(", :hash, :roles, :now, :now, TRUE)");
			values.put("id" + i, users.get(i).id());
			values.put("email" + i, users.get(i).email());
		}
		return this.db.sql(sql.toString()).bindValues(values).then();
	}

	/** Users the seeder did not make: registered ones. */
	Mono<Long> countOthers() {
		return this.db.sql("SELECT COUNT(*) AS n FROM users WHERE test_user = FALSE").map((row) -> row.get("n", Long.class)).one();
	}

	Mono<Long> count() {
		return this.db.sql("SELECT COUNT(*) AS n FROM users WHERE test_user = TRUE").map((row) -> row.get("n", Long.class)).one();
	}

	/** Deletes test users, {@code batchSize} per statement; their sessions and tokens go with them (ON DELETE CASCADE). */
	Mono<Long> delete(int batchSize) {
		return Batches.repeat(batchSize, () -> this.db
			.sql("DELETE FROM users WHERE id IN (SELECT id FROM users WHERE test_user = TRUE LIMIT :batch)")
			.bind("batch", batchSize)
			.fetch()
			.rowsUpdated());
	}

}
