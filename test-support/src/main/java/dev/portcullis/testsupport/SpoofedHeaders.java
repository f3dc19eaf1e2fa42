package dev.portcullis.testsupport;

import java.util.List;
import java.util.Map;

/**
 * Headers a client sends to pass as someone else: the identity headers the gateway asserts, also
 * in the underscore spellings WSGI, PHP and Rack read as the same names, and the forwarding
 * headers that would name another client address. None may reach an upstream as sent.
 */
public final class SpoofedHeaders {

	/** Identity headers as a client would forge them, name to value. */
	public static final Map<String, String> IDENTITY = Map.of("X-User-Id", "00000000-0000-0000-0000-000000000000",
			"X-User-Roles", "admin", "X-User-Email", "root@example.com", "X-Session-Id", "spoofed", "X_User_Id",
			"00000000-0000-0000-0000-000000000000", "x_user_roles", "admin", "X-User_Email", "root@example.com",
			"X_SESSION_ID", "spoofed");

	/** Forwarding headers naming addresses the client does not have, name to value. */
	public static final Map<String, List<String>> FORWARDING = Map.of("X-Forwarded-For",
			List.of("203.0.113.9", "198.51.100.7"), "Forwarded", List.of("for=203.0.113.9"));

	/**
	 * A {@code Connection} header naming the identity headers and the cookie header, which a
	 * proxy drops as hop-by-hop: the gateway must still deliver the identity it asserts.
	 */
	public static final String CONNECTION_NAMING_IDENTITY = "keep-alive, X-User-Id, x-user-roles, X_Session_Id, Cookie, X-Trace";

	private SpoofedHeaders() {
	}

}
