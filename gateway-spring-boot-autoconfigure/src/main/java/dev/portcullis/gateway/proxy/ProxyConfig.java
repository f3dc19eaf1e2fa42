package dev.portcullis.gateway.proxy;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.route.RoutePolicy;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The proxy's own routing filter in place of Spring Cloud Gateway's, which the shipped
 * {@code application.yml} switches off ({@code global-filter.netty-routing.enabled: false});
 * switching it off also removes its response writer, declared here again unchanged.
 */
@Configuration(proxyBeanMethods = false)
class ProxyConfig {

	/** Also a bean so that Spring Cloud Gateway's WebSocket routing sets X-Forwarded-For. */
	@Bean
	UpstreamRequestHeaders upstreamRequestHeaders(ObjectProvider<RemoveForwardedHeadersFilter> removeForwarded,
			ObjectProvider<RemoveXForwardedHeadersFilter> removeXForwarded, ClientAddresses clients) {
		return new UpstreamRequestHeaders(removeForwarded.getIfAvailable() != null,
				removeXForwarded.getIfAvailable() != null, clients);
	}

	@Bean
	NettyRoutingFilter upstreamRoutingFilter(HttpClient httpClient, HttpClientProperties properties,
			ObjectProvider<HttpHeadersFilter> headersFilters, UpstreamRequestHeaders requestHeaders,
			RoutePolicy routes, dev.portcullis.gateway.config.GatewayProperties gateway) {
		UpstreamResponseHeaders responseHeaders = new UpstreamResponseHeaders(routes,
				List.of(gateway.accessCookie(), gateway.refreshCookie()));
		return new UpstreamRoutingFilter(httpClient, properties,
				routingHeadersFilters(headersFilters, requestHeaders, responseHeaders));
	}

	@Bean
	NettyWriteResponseFilter nettyWriteResponseFilter(GatewayProperties gateway,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		return new NettyWriteResponseFilter(gateway.getStreamingMediaTypes(), headersFilters);
	}

	/**
	 * Every header filter in the context, in order (tracing's, any of the application's), but
	 * the four {@link UpstreamRequestHeaders} does in one pass: it takes the hop-by-hop filter's
	 * place, with {@link UpstreamResponseHeaders} for the response side.
	 */
	static List<HttpHeadersFilter> routingHeadersFilters(ObjectProvider<HttpHeadersFilter> all,
			UpstreamRequestHeaders requestHeaders, UpstreamResponseHeaders responseHeaders) {
		List<HttpHeadersFilter> filters = new ArrayList<>();
		boolean placed = false;
		for (HttpHeadersFilter filter : all.orderedStream().toList()) {
			if (filter instanceof RemoveHopByHopHeadersFilter) {
				filters.add(requestHeaders);
				filters.add(responseHeaders);
				placed = true;
			}
			else if (!(filter instanceof RemoveForwardedHeadersFilter || filter instanceof RemoveXForwardedHeadersFilter
					|| filter instanceof TransferEncodingNormalizationHeadersFilter || filter == requestHeaders)) {
				filters.add(filter);
			}
		}
		if (!placed) {
			filters.add(requestHeaders);
			filters.add(responseHeaders);
		}
		return filters;
	}

}
