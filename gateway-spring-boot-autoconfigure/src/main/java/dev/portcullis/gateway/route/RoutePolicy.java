package dev.portcullis.gateway.route;

import java.util.List;

import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What the access check does on a route, read from the route's metadata and the configured
 * public paths. Anything not declared otherwise requires a valid access token.
 *
 * <ul>
 * <li>{@code public: true}, or the route filter {@code PortcullisPublic} — no access token
 * needed; identity headers are still stripped.
 * <li>{@code forward-token: true} — the verified token is sent upstream as
 * {@code Authorization: Bearer}.
 * <li>{@code forward-auth-cookies: true} — the access and refresh cookies reach the upstream
 * (meant for the auth service, which reads them itself).
 * </ul>
 */
public class RoutePolicy {

	public static final String PUBLIC = "public";

	public static final String FORWARD_TOKEN = "forward-token";

	public static final String FORWARD_AUTH_COOKIES = "forward-auth-cookies";

	private final List<PathPattern> publicPaths;

	public RoutePolicy(List<String> publicPaths) {
		this.publicPaths = publicPaths.stream().map(PathPatternParser.defaultInstance::parse).toList();
	}

	/**
	 * Whether a request may pass without an access token.
	 * @param route the matched route
	 * @param path the request path as the client sent it
	 * @return true for public routes and public paths
	 */
	public boolean isPublic(Route route, PathContainer path) {
		if (flag(route, PUBLIC) || marked(route)) {
			return true;
		}
		for (PathPattern pattern : this.publicPaths) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	public boolean forwardsToken(Route route) {
		return flag(route, FORWARD_TOKEN);
	}

	public boolean forwardsAuthCookies(Route route) {
		return flag(route, FORWARD_AUTH_COOKIES);
	}

	/**
	 * Whether a configured route is public by itself (metadata {@code public: true} or the
	 * {@code PortcullisPublic} filter), before it is built: for the start-up report.
	 */
	public static boolean isPublic(RouteDefinition route) {
		if (isTrue(route.getMetadata().get(PUBLIC))) {
			return true;
		}
		for (FilterDefinition filter : route.getFilters()) {
			if (PortcullisPublicGatewayFilterFactory.NAME.equals(filter.getName())) {
				return true;
			}
		}
		return false;
	}

	private static boolean marked(Route route) {
		if (route == null) {
			return false;
		}
		for (GatewayFilter filter : route.getFilters()) {
			if (filter instanceof PortcullisPublicGatewayFilterFactory.PublicRouteMarker) {
				return true;
			}
		}
		return false;
	}

	static boolean flag(Route route, String key) {
		if (route == null) {
			return false;
		}
		return isTrue(route.getMetadata().get(key));
	}

	private static boolean isTrue(Object value) {
		return Boolean.TRUE.equals(value) || (value instanceof String text && Boolean.parseBoolean(text.trim()));
	}

}
