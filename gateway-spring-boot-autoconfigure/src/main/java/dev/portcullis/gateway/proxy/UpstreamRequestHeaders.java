package dev.portcullis.gateway.proxy;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import dev.portcullis.gateway.client.ClientAddresses;
import io.netty.handler.codec.http.DefaultHttpHeaders;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.web.server.ServerWebExchange;

/**
 * The request headers as they leave for the upstream, in one pass: what Spring Cloud Gateway
 * does with four header filters, each copying every header, plus the client's address.
 *
 * <ul>
 * <li>{@code Forwarded} and every {@code X-Forwarded-*} header the client sent are dropped
 * ({@code RemoveForwardedHeadersFilter}, {@code RemoveXForwardedHeadersFilter}: the gateway
 * trusts no proxy in front of it);
 * <li>hop-by-hop headers and the names the client's {@code Connection} header lists are dropped
 * ({@code RemoveHopByHopHeadersFilter});
 * <li>{@code Content-Length} is dropped when {@code Transfer-Encoding} is {@code chunked}
 * ({@code TransferEncodingNormalizationHeadersFilter});
 * <li>{@code X-Forwarded-For} is set to exactly one entry, the client's address as
 * {@link ClientAddresses} decides it (the gateway's TCP peer, or what a configured load balancer
 * in {@code portcullis.gateway.trusted-proxies} says), so a service that believes the header only
 * from the gateway (the auth service's session list, audit and login limits) cannot be lied to;
 * <li>{@code X-Forwarded-Host} and {@code X-Forwarded-Proto} are set to the host and scheme the
 * browser addressed: the gateway's own request's, or, from a load balancer in
 * {@code portcullis.gateway.trusted-proxies} (one that terminates TLS, say), the first entry of
 * the balancer's; a client's own are dropped (the auth service checks a proof of possession's
 * {@code htu} against this public origin).
 * </ul>
 *
 * <p>Identity headers and auth cookies are not this class's business: the access check rewrote
 * them before the route's filters ran, so that those filters see the verified identity.
 *
 * <p>The first two apply only while Spring Cloud Gateway would remove those headers itself, that
 * is, unless {@code spring.cloud.gateway.server.webflux.trusted-proxies} is set, in which case
 * its own filters add them and this pass leaves them alone (but for {@code X-Forwarded-For},
 * which is always the one entry above).
 *
 * <p>The lean path runs this in place of those four filters. Requests on Spring Cloud Gateway's
 * chain go through its routing filters (HTTP and WebSocket), which run all of them and then this
 * one ({@link Ordered#LOWEST_PRECEDENCE}); on headers they already cleaned it changes nothing but
 * setting {@code X-Forwarded-For}.
 */
public class UpstreamRequestHeaders implements HttpHeadersFilter, Ordered {

	static final String X_FORWARDED_FOR = "X-Forwarded-For";

	static final String X_FORWARDED_HOST = "X-Forwarded-Host";

	static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

	private static final String X_FORWARDED_PREFIX = "x-forwarded-";

	private final boolean dropForwarded;

	private final boolean dropXForwarded;

	private final ClientAddresses clients;

	/**
	 * @param dropForwarded whether the client's {@code Forwarded} header is dropped
	 * @param dropXForwarded whether the client's {@code X-Forwarded-*} headers are dropped
	 * @param clients who the client is
	 */
	UpstreamRequestHeaders(boolean dropForwarded, boolean dropXForwarded, ClientAddresses clients) {
		this.dropForwarded = dropForwarded;
		this.dropXForwarded = dropXForwarded;
		this.clients = clients;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		// read-only: a routing filter's copy then walks the Netty headers directly instead of
		// building a case-insensitive set of their names first
		return HttpHeaders.readOnlyHttpHeaders(new HttpHeaders(new Netty4HeadersAdapter(upstream(input, exchange))));
	}

	/** The same headers as {@link #filter}, as the Netty map the HTTP client sends. */
	io.netty.handler.codec.http.HttpHeaders upstream(HttpHeaders input, ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		return upstream(input, this.clients.of(request), addressedHost(request), request.getURI().getScheme(),
				this.clients.viaTrustedProxy(request.getRemoteAddress()));
	}

	/**
	 * The same headers as {@link #filter}, for a client whose address is already known.
	 * @param input the headers as the route's filters left them
	 * @param client the client's address ({@link ClientAddresses}), or {@code null} when not known
	 * @param host the host (and port, if one was given) the request addressed: its {@code Host}
	 * header, or {@code null} when it had none
	 * @param scheme the scheme of the connection the request came on
	 * @param viaTrustedProxy whether the TCP peer is a configured load balancer
	 * ({@link ClientAddresses#viaTrustedProxy}), whose forwarding headers are believed
	 */
	public io.netty.handler.codec.http.HttpHeaders upstream(HttpHeaders input, InetAddress client, String host,
			String scheme, boolean viaTrustedProxy) {
		List<String> connectionOptions = HopByHop.connectionOptions(input);
		boolean dropContentLength = isChunked(input.getFirst(HttpHeaders.TRANSFER_ENCODING))
				&& input.containsHeader(HttpHeaders.CONTENT_LENGTH);
		io.netty.handler.codec.http.HttpHeaders upstream = new DefaultHttpHeaders();
		input.forEach((name, values) -> {
			if (isForwarded(name) || HopByHop.isHopByHop(name, connectionOptions)
					|| (dropContentLength && HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name))) {
				return;
			}
			upstream.add(name, values);
		});
		if (client != null) {
			upstream.set(X_FORWARDED_FOR, client.getHostAddress());
		}
		if (this.dropXForwarded) {
			if (viaTrustedProxy) {
				host = firstEntry(input.getFirst(X_FORWARDED_HOST), host);
				scheme = firstEntry(input.getFirst(X_FORWARDED_PROTO), scheme);
			}
			if (host != null && !host.isEmpty()) {
				upstream.set(X_FORWARDED_HOST, host);
			}
			if (scheme != null) {
				upstream.set(X_FORWARDED_PROTO, scheme);
			}
		}
		return upstream;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/** The request's {@code Host} header; for a request built without one, its URI's host and port. */
	private static String addressedHost(ServerHttpRequest request) {
		String host = request.getHeaders().getFirst(HttpHeaders.HOST);
		if (host != null) {
			return host;
		}
		URI addressed = request.getURI();
		if (addressed.getHost() == null) {
			return null;
		}
		return (addressed.getPort() != -1) ? addressed.getHost() + ":" + addressed.getPort() : addressed.getHost();
	}

	private boolean isForwarded(String name) {
		return (this.dropXForwarded && name.regionMatches(true, 0, X_FORWARDED_PREFIX, 0, X_FORWARDED_PREFIX.length()))
				|| (this.dropForwarded && name.equalsIgnoreCase("Forwarded"));
	}

	/** The first entry of a comma-separated forwarding header (what the outermost balancer saw), else {@code otherwise}. */
	private static String firstEntry(String value, String otherwise) {
		if (value == null) {
			return otherwise;
		}
		int comma = value.indexOf(',');
		String entry = ((comma >= 0) ? value.substring(0, comma) : value).trim();
		return entry.isEmpty() ? otherwise : entry;
	}

	private static boolean isChunked(String transferEncoding) {
		return transferEncoding != null && "chunked".equalsIgnoreCase(transferEncoding.trim());
	}

}
