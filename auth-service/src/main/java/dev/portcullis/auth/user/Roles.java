package dev.portcullis.auth.user;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code users.roles} column, a comma-separated list: the one place that reads and writes
 * it, so every path that loads a user's roles (login, refresh) sees the same list.
 */
public final class Roles {

	private Roles() {
	}

	/** The roles in a stored value: entries trimmed, empty entries dropped, order kept. */
	public static List<String> parse(String stored) {
		if (stored == null || stored.isBlank()) {
			return List.of();
		}
		return Arrays.stream(stored.split(",")).map(String::strip).filter((role) -> !role.isEmpty()).toList();
	}

	/** The stored value for {@code roles}. */
	public static String format(List<String> roles) {
		return String.join(",", roles);
	}

}
