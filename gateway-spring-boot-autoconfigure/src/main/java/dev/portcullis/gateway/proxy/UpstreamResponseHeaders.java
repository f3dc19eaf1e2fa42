package dev.portcullis.gateway.proxy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.portcullis.gateway.route.RoutePolicy;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The upstream's response headers without its hop-by-hop headers, as Spring Cloud Gateway's
 * {@code RemoveHopByHopHeadersFilter} answers them. As a filter on Spring Cloud Gateway's routing
 * filter, it removes them in place: that filter hands over a fresh copy of its own, so a second
 * copy buys nothing. The lean path does not copy at all, and calls {@link #copy} instead.
 *
 * <p>Also without any {@code Set-Cookie} that would set one of the auth cookies, unless the route
 * has {@code forward-auth-cookies: true} (the auth service's, which sets them): any other upstream
 * could otherwise plant a session of its choosing in the browser, or clear the user's.
 */
public class UpstreamResponseHeaders implements HttpHeadersFilter {

	private final RoutePolicy routes;

	/** The auth cookies' names, lower case: a cookie name is compared ignoring case. */
	private final Set<String> authCookies;

	public UpstreamResponseHeaders(RoutePolicy routes, List<String> authCookies) {
		this.routes = routes;
		this.authCookies = Set.copyOf(authCookies.stream().map((name) -> name.toLowerCase(Locale.ROOT)).toList());
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		List<String> connectionOptions = HopByHop.connectionOptions(input);
		// lookups by lower-case name: no copy of the names (HttpHeaders.headerNames() makes one)
		for (String name : HopByHop.FIXED) {
			input.remove(name);
		}
		connectionOptions.forEach(input::remove);
		List<String> cookies = input.get(HttpHeaders.SET_COOKIE);
		if (cookies != null && !mayPlantAuthCookies(exchange) && cookies.stream().anyMatch(this::setsAuthCookie)) {
			List<String> kept = new ArrayList<>(cookies);
			kept.removeIf(this::setsAuthCookie);
			input.remove(HttpHeaders.SET_COOKIE);
			if (!kept.isEmpty()) {
				input.put(HttpHeaders.SET_COOKIE, kept);
			}
		}
		return input;
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

	/**
	 * Copies the upstream's end-to-end headers from the HTTP client's Netty map straight into the
	 * response, in the order received, and drops {@code Transfer-Encoding} from the response
	 * when a {@code Content-Length} came along (never both).
	 * @return the names added
	 */
	Set<String> copy(io.netty.handler.codec.http.HttpHeaders received, HttpHeaders response,
			ServerWebExchange exchange) {
		return copy(received, response, exchange.<Route>getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR));
	}

	/**
	 * The same as {@link #copy(io.netty.handler.codec.http.HttpHeaders, HttpHeaders, ServerWebExchange)}
	 * for a request on {@code route}.
	 * @return the names added
	 */
	public Set<String> copy(io.netty.handler.codec.http.HttpHeaders received, HttpHeaders response, Route route) {
		List<String> connectionOptions = HopByHop.connectionOptions(received.getAll(HttpHeaders.CONNECTION));
		Set<String> added = new LinkedHashSet<>();
		boolean contentLength = false;
		Boolean mayPlant = null;
		for (Map.Entry<String, String> header : received) {
			String name = header.getKey();
			if (HopByHop.isHopByHop(name, connectionOptions)) {
				continue;
			}
			if (HttpHeaders.SET_COOKIE.equalsIgnoreCase(name) && setsAuthCookie(header.getValue())) {
				mayPlant = (mayPlant != null) ? mayPlant : this.routes.forwardsAuthCookies(route);
				if (!mayPlant) {
					continue;
				}
			}
			response.add(name, header.getValue());
			added.add(name);
			contentLength |= HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name);
		}
		if (contentLength) {
			// the upstream's own Transfer-Encoding is hop-by-hop and was not copied
			response.remove(HttpHeaders.TRANSFER_ENCODING);
		}
		return added;
	}

	private boolean mayPlantAuthCookies(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return this.routes.forwardsAuthCookies(route);
	}

	/** Whether a {@code Set-Cookie} value names an auth cookie (RFC 6265 section 5.2). */
	private boolean setsAuthCookie(String setCookie) {
		int equals = setCookie.indexOf('=');
		int semicolon = setCookie.indexOf(';');
		if (equals < 0 || (semicolon >= 0 && semicolon < equals)) {
			return false;
		}
		return this.authCookies.contains(setCookie.substring(0, equals).strip().toLowerCase(Locale.ROOT));
	}

}
