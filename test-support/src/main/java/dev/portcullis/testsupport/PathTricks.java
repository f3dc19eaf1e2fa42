package dev.portcullis.testsupport;

import java.util.List;

/**
 * Request paths a server behind the gateway could read differently from the gateway (dot
 * segments, encoded separators, double encoding, matrix parameters): each must be refused with
 * 400 {@code invalid_path} before routing. One table for the path guard's own tests and for every
 * gateway the end-to-end tests run.
 */
public final class PathTricks {

	private static final List<String> SUFFIXES = List.of("/public/../admin", "/public/%2e%2e/admin",
			"/public/%2E%2E/admin", "/public/.%2e/admin", "/./admin", "/public/..", "/public%2fadmin",
			"/public%2Fadmin", "/public%5cadmin", "/public;jsessionid=1/admin", "/public/%252e%252e/admin",
			"/public%252fadmin");

	private PathTricks() {
	}

	/** Every trick under {@code prefix} (a route's path, such as {@code /api}), as raw, unencoded request paths. */
	public static List<String> under(String prefix) {
		return SUFFIXES.stream().map((suffix) -> prefix + suffix).toList();
	}

}
