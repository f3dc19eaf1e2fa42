package dev.portcullis.gateway.proxy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The upstream's response headers without its hop-by-hop headers, as Spring Cloud Gateway's
 * {@code RemoveHopByHopHeadersFilter} answers them. As a filter, it removes them in place: the
 * routing filter hands over a fresh copy of its own, so a second copy buys nothing. Without
 * tracing the routing filter does not copy at all, and calls {@link #copy} instead.
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

	/**
	 * Copies the upstream's end-to-end headers from the HTTP client's Netty map straight into the
	 * response, in the order received, and drops {@code Transfer-Encoding} from the response
	 * when a {@code Content-Length} came along (never both).
	 * @return the names added
	 */
	static Set<String> copy(io.netty.handler.codec.http.HttpHeaders received, HttpHeaders response) {
		List<String> connectionOptions = HopByHop.connectionOptions(received.getAll(HttpHeaders.CONNECTION));
		Set<String> added = new LinkedHashSet<>();
		boolean contentLength = false;
		for (Map.Entry<String, String> header : received) {
			String name = header.getKey();
			if (!HopByHop.isHopByHop(name, connectionOptions)) {
				response.add(name, header.getValue());
				added.add(name);
				contentLength |= HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name);
			}
		}
		if (contentLength) {
			// the upstream's own Transfer-Encoding is hop-by-hop and was not copied
			response.remove(HttpHeaders.TRANSFER_ENCODING);
		}
		return added;
	}

}
