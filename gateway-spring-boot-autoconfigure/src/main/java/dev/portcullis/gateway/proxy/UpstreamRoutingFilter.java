package dev.portcullis.gateway.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.portcullis.gateway.web.RequestBodyBrokenException;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.TimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.StringUtils;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.ORIGINAL_RESPONSE_CONTENT_TYPE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.PRESERVE_HOST_HEADER_ATTRIBUTE;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.isAlreadyRouted;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.setAlreadyRouted;

/**
 * Spring Cloud Gateway's HTTP routing filter, doing less per request.
 *
 * <ul>
 * <li>Its header filters are {@link UpstreamRequestHeaders} and {@link UpstreamResponseHeaders}
 * (one pass each way) in place of the four they replace, plus any other {@code HttpHeadersFilter}
 * bean (tracing's, the application's), in order.
 * <li>The connect timeout set in {@code spring.cloud.gateway.server.webflux.httpclient} is
 * already on the shared client (its factory applies it once), so it is not applied again to a
 * copy of the client for every request; a route's own {@code connect-timeout} metadata still is.
 * <li>When those two passes are its only header filters (the shipped configuration: no tracing),
 * it proxies without the intermediate copies the superclass makes: the request pass builds the
 * Netty headers the client sends, and the upstream's response headers go from the client's
 * Netty map straight into the response, hop-by-hop headers skipped on the way. Status,
 * timeouts, the attributes later filters and the response writer read, and the
 * {@code Content-Length}/{@code Transfer-Encoding} rule are the superclass's.
 * </ul>
 */
class UpstreamRoutingFilter extends NettyRoutingFilter {

	private final HttpClient httpClient;

	private final HttpClientProperties properties;

	/** The request pass when the two passes are the only header filters, else null. */
	private final UpstreamRequestHeaders lean;

	/** The response pass when the two passes are the only header filters, else null. */
	private final UpstreamResponseHeaders leanResponse;

	UpstreamRoutingFilter(HttpClient httpClient, HttpClientProperties properties, List<HttpHeadersFilter> headersFilters) {
		super(httpClient, fixed(headersFilters), properties);
		this.httpClient = httpClient;
		this.properties = properties;
		boolean lean = headersFilters.size() == 2 && headersFilters.get(0) instanceof UpstreamRequestHeaders
				&& headersFilters.get(1) instanceof UpstreamResponseHeaders;
		this.lean = lean ? (UpstreamRequestHeaders) headersFilters.get(0) : null;
		this.leanResponse = lean ? (UpstreamResponseHeaders) headersFilters.get(1) : null;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (this.lean == null) {
			return super.filter(exchange, chain);
		}
		URI requestUrl = exchange.getRequiredAttribute(GATEWAY_REQUEST_URL_ATTR);
		String scheme = requestUrl.getScheme();
		if (isAlreadyRouted(exchange) || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
			return chain.filter(exchange);
		}
		setAlreadyRouted(exchange);
		ServerHttpRequest request = exchange.getRequest();
		Route route = exchange.getRequiredAttribute(GATEWAY_ROUTE_ATTR);
		io.netty.handler.codec.http.HttpHeaders outgoing = this.lean.upstream(request.getHeaders(), exchange);
		// the client sets Host from the URL unless the route preserves the client's
		outgoing.remove(HttpHeaderNames.HOST);
		if (exchange.getAttributeOrDefault(PRESERVE_HOST_HEADER_ATTRIBUTE, false)) {
			outgoing.add(HttpHeaderNames.HOST, request.getHeaders().getFirst(HttpHeaders.HOST));
		}
		Flux<HttpClientResponse> responses = getHttpClient(route, exchange).headers((headers) -> headers.add(outgoing))
			.request(io.netty.handler.codec.http.HttpMethod.valueOf(request.getMethod().name()))
			.uri(requestUrl.toASCIIString())
			.send((clientRequest, outbound) -> outbound.send(request.getBody()
				// a body broken by the client (bad chunk, disconnect, read timeout) is not a server error
				.onErrorMap(RequestBodyBrokenException::new)
				.map(this::getByteBuf)))
			.responseConnection((response, connection) -> Mono.just(received(exchange, response, connection)));
		Duration timeout = responseTimeout(route);
		if (timeout != null) {
			responses = responses
				.timeout(timeout,
						Mono.error(() -> new TimeoutException("Response took longer than timeout: " + timeout)))
				.onErrorMap(TimeoutException.class,
						(ex) -> new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT, ex.getMessage(), ex));
		}
		return responses.then(chain.filter(exchange));
	}

	@Override
	protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
		return route.getMetadata().containsKey(CONNECT_TIMEOUT_ATTR) ? super.getHttpClient(route, exchange)
				: this.httpClient;
	}

	/**
	 * Status and headers of the upstream's answer onto the response, which the response writer
	 * commits once the route's filters have run.
	 */
	private HttpClientResponse received(ServerWebExchange exchange, HttpClientResponse upstream,
			Connection connection) {
		Map<String, Object> attributes = exchange.getAttributes();
		attributes.put(CLIENT_RESPONSE_ATTR, upstream);
		attributes.put(CLIENT_RESPONSE_CONN_ATTR, connection);
		io.netty.handler.codec.http.HttpHeaders received = upstream.responseHeaders();
		String contentType = received.get(HttpHeaderNames.CONTENT_TYPE);
		if (StringUtils.hasLength(contentType)) {
			attributes.put(ORIGINAL_RESPONSE_CONTENT_TYPE_ATTR, contentType);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(upstream.status().code()));
		// the names added are what a retry removes before it sends the request again
		attributes.put(CLIENT_RESPONSE_HEADER_NAMES, this.leanResponse.copy(received, response.getHeaders(), exchange));
		return upstream;
	}

	/** The route's response-timeout metadata (negative: none), else the global setting. */
	private Duration responseTimeout(Route route) {
		Object perRoute = route.getMetadata().get(RESPONSE_TIMEOUT_ATTR);
		if (perRoute != null) {
			try {
				long millis = (perRoute instanceof Number number) ? number.longValue()
						: Long.parseLong(perRoute.toString());
				return (millis >= 0) ? Duration.ofMillis(millis) : null;
			}
			catch (NumberFormatException ex) {
				// as Spring Cloud Gateway: a malformed value falls back to the global setting
			}
		}
		return this.properties.getResponseTimeout();
	}

	static ObjectProvider<List<HttpHeadersFilter>> fixed(List<HttpHeadersFilter> headersFilters) {
		List<HttpHeadersFilter> filters = List.copyOf(headersFilters);
		return new ObjectProvider<>() {

			@Override
			public List<HttpHeadersFilter> getObject() {
				return filters;
			}

		};
	}

}
