package dev.portcullis.gateway.proxy;

import java.util.List;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The upstream's response headers without its hop-by-hop headers, as Spring Cloud Gateway's
 * {@code RemoveHopByHopHeadersFilter} answers them, but removed in place: the routing filter
 * hands over a fresh copy of its own, so a second copy buys nothing.
 */
class UpstreamResponseHeaders implements HttpHeadersFilter {

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		List<String> connectionOptions = HopByHop.connectionOptions(input);
		// lookups by lower-case name: no copy of the names (HttpHeaders.headerNames() makes one)
		for (String name : HopByHop.FIXED) {
			input.remove(name);
		}
		connectionOptions.forEach(input::remove);
		return input;
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

}
