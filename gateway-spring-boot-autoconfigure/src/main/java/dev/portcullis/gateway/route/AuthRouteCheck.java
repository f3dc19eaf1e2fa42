package dev.portcullis.gateway.route;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

import org.springframework.cloud.gateway.route.RouteDefinition;

/**
 * Refuses, at start-up, a configured route to the auth service without
 * {@code forward-auth-cookies: true}. Such a route seems to work (login, and every call with an
 * access token) while logout and refresh silently do nothing: the gateway strips the auth
 * cookies before the auth service can read them.
 *
 * <p>The auth service is recognised by origin: a route whose URI has the scheme, host and port of
 * {@code portcullis.gateway.jwks-uri} (ws and wss counting as http and https). Host names are
 * compared as written, never resolved.
 */
final class AuthRouteCheck {

	private AuthRouteCheck() {
	}

	/**
	 * @param routes the configured routes
	 * @param jwksUri where the auth service publishes its keys
	 * @throws IllegalStateException naming the first route to the auth service that lacks the flag,
	 * and the fix
	 */
	static void check(Iterable<RouteDefinition> routes, URI jwksUri) {
		String authOrigin = origin(jwksUri);
		for (RouteDefinition route : routes) {
			URI uri = route.getUri();
			if (uri != null && authOrigin != null && authOrigin.equals(origin(uri))
					&& !isTrue(route.getMetadata(), RoutePolicy.FORWARD_AUTH_COOKIES)) {
				throw new IllegalStateException("Route '" + route.getId() + "' targets the auth service (" + uri
						+ ", the origin of portcullis.gateway.jwks-uri) without metadata " + RoutePolicy.FORWARD_AUTH_COOKIES
						+ ": true, so the auth cookies would never reach it and logout and refresh would silently do"
						+ " nothing. Add to that route:  metadata: { " + RoutePolicy.FORWARD_AUTH_COOKIES + ": true }");
			}
		}
	}

	/** {@code scheme://host:port}, lower case, default ports filled in; null when not http(s) or ws(s). */
	static String origin(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		scheme = switch (scheme) {
			case "http", "ws" -> "http";
			case "https", "wss" -> "https";
			default -> null;
		};
		if (scheme == null || uri.getHost() == null) {
			return null;
		}
		int port = (uri.getPort() >= 0) ? uri.getPort() : (scheme.equals("https") ? 443 : 80);
		return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
	}

	private static boolean isTrue(Map<String, Object> metadata, String key) {
		Object value = metadata.get(key);
		return Boolean.TRUE.equals(value) || (value instanceof String text && Boolean.parseBoolean(text.trim()));
	}

}
