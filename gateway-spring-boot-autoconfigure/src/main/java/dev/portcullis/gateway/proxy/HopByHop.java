package dev.portcullis.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.http.HttpHeaders;

/**
 * The headers a proxy must not pass on (RFC 9110 section 7.6.1): the fixed hop-by-hop set
 * Spring Cloud Gateway removes ({@code RemoveHopByHopHeadersFilter}), and whatever the message's
 * own {@code Connection} header names. Names are compared ignoring ASCII case without copying
 * them: this runs for every header of every proxied request and response.
 */
final class HopByHop {

	/** The fixed set, lower case. */
	static final List<String> FIXED = List.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
			"proxy-authorization", "proxy-authenticate", "x-application-context", "upgrade");

	private HopByHop() {
	}

	/** Whether {@code name} is in the fixed set, whatever its case. */
	static boolean isFixed(String name) {
		return switch (name.length()) {
			case 2 -> name.equalsIgnoreCase("te");
			case 7 -> name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
			case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
			case 17 -> name.equalsIgnoreCase("transfer-encoding");
			case 18 -> name.equalsIgnoreCase("proxy-authenticate");
			case 19 -> name.equalsIgnoreCase("proxy-authorization");
			case 21 -> name.equalsIgnoreCase("x-application-context");
			default -> false;
		};
	}

	/**
	 * The names the message's {@code Connection} header lists, lower-cased; empty (no
	 * allocation) when it has none, which is the common case.
	 */
	static List<String> connectionOptions(HttpHeaders headers) {
		return connectionOptions(headers.getOrEmpty(HttpHeaders.CONNECTION));
	}

	/**
	 * The same from the values of a {@code Connection} header (a Spring or a Netty map): the
	 * comma-separated names, trimmed, empty ones left out, lower-cased.
	 */
	static List<String> connectionOptions(List<String> connectionValues) {
		if (connectionValues.isEmpty()) {
			return List.of();
		}
		List<String> options = new ArrayList<>(2);
		for (String value : connectionValues) {
			for (String option : value.split(",")) {
				String trimmed = option.trim();
				if (!trimmed.isEmpty()) {
					options.add(trimmed.toLowerCase(Locale.ROOT));
				}
			}
		}
		return options;
	}

	/** Whether {@code name} is hop-by-hop for a message whose Connection header lists {@code options}. */
	static boolean isHopByHop(String name, List<String> options) {
		return isFixed(name) || (!options.isEmpty() && options.contains(name.toLowerCase(Locale.ROOT)));
	}

}
