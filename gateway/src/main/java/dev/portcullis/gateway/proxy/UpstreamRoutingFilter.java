package dev.portcullis.gateway.proxy;

import java.util.List;

import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.web.server.ServerWebExchange;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;

/**
 * Spring Cloud Gateway's HTTP routing filter, doing less per request:
 *
 * <ul>
 * <li>its header filters are exactly {@link UpstreamRequestHeaders} and
 * {@link UpstreamResponseHeaders}, one pass each way, instead of every {@code HttpHeadersFilter}
 * bean in the context (five copies of the request headers and one of the response's);
 * <li>the connect timeout set in {@code spring.cloud.gateway.server.webflux.httpclient} is
 * already on the shared client (its factory applies it once), so it is not applied again to a
 * copy of the client for every request; a route's own {@code connect-timeout} metadata still is.
 * </ul>
 *
 * Everything else (response timeout, streaming, pool, errors) is the superclass's.
 */
class UpstreamRoutingFilter extends NettyRoutingFilter {

	private final HttpClient httpClient;

	UpstreamRoutingFilter(HttpClient httpClient, HttpClientProperties properties, List<HttpHeadersFilter> headersFilters) {
		super(httpClient, fixed(headersFilters), properties);
		this.httpClient = httpClient;
	}

	@Override
	protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
		return route.getMetadata().containsKey(CONNECT_TIMEOUT_ATTR) ? super.getHttpClient(route, exchange)
				: this.httpClient;
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
