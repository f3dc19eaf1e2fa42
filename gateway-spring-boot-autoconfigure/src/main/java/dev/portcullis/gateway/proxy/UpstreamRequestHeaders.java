package dev.portcullis.gateway.proxy;

import java.net.InetAddress;
import java.util.List;

import dev.portcullis.gateway.client.ClientAddresses;
import io.netty.handler.codec.http.DefaultHttpHeaders;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
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
 * from the gateway (the auth service's session list, audit and login limits) cannot be lied to.
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
		return upstream(input, this.clients.of(exchange.getRequest()));
	}

	/**
	 * The same headers as {@link #filter}, for a client whose address is already known.
	 * @param input the headers as the route's filters left them
	 * @param client the client's address ({@link ClientAddresses}), or {@code null} when not known
	 */
	public io.netty.handler.codec.http.HttpHeaders upstream(HttpHeaders input, InetAddress client) {
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
		return upstream;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	private boolean isForwarded(String name) {
		return (this.dropXForwarded && name.regionMatches(true, 0, X_FORWARDED_PREFIX, 0, X_FORWARDED_PREFIX.length()))
				|| (this.dropForwarded && name.equalsIgnoreCase("Forwarded"));
	}

	private static boolean isChunked(String transferEncoding) {
		return transferEncoding != null && "chunked".equalsIgnoreCase(transferEncoding.trim());
	}

}
