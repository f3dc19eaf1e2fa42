package dev.portcullis.gateway.proxy;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.route.RoutePolicy;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.conditional.ConditionalOnEnabledGlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.context.annotation.Bean;

/**
 * The headers that leave for the upstream and come back from it. With Spring Cloud Gateway's
 * defaults its own routing filter proxies, and runs {@link UpstreamRequestHeaders} and
 * {@link UpstreamResponseHeaders} as two more header filters. With its routing filter switched
 * off ({@value #NETTY_ROUTING}{@code : false}, as the shipped {@code application.yml} does), the
 * proxy's own routing filter takes its place and does each side in one pass; switching it off
 * also removes its response writer, declared here again unchanged.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(dev.portcullis.gateway.config.GatewayProperties.class)
public class ProxyAutoConfiguration {

	static final String NETTY_ROUTING = "spring.cloud.gateway.server.webflux.global-filter.netty-routing.enabled";

	/** Also a bean so that Spring Cloud Gateway's WebSocket routing sets X-Forwarded-For. */
	@Bean
	@ConditionalOnMissingBean
	UpstreamRequestHeaders upstreamRequestHeaders(ObjectProvider<RemoveForwardedHeadersFilter> removeForwarded,
			ObjectProvider<RemoveXForwardedHeadersFilter> removeXForwarded, ClientAddresses clients) {
		return new UpstreamRequestHeaders(removeForwarded.getIfAvailable() != null,
				removeXForwarded.getIfAvailable() != null, clients);
	}

	/**
	 * With Spring Cloud Gateway's own routing filter: the upstream may not set the auth cookies
	 * unless its route forwards them.
	 */
	@Bean
	@ConditionalOnEnabledGlobalFilter(NettyRoutingFilter.class)
	@ConditionalOnMissingBean
	UpstreamResponseHeaders upstreamResponseHeaders(RoutePolicy routes,
			dev.portcullis.gateway.config.GatewayProperties gateway) {
		return new UpstreamResponseHeaders(routes, List.of(gateway.accessCookie(), gateway.refreshCookie()));
	}

	@Bean
	@ConditionalOnBooleanProperty(name = NETTY_ROUTING, havingValue = false)
	NettyRoutingFilter upstreamRoutingFilter(HttpClient httpClient, HttpClientProperties properties,
			ObjectProvider<HttpHeadersFilter> headersFilters, UpstreamRequestHeaders requestHeaders,
			RoutePolicy routes, dev.portcullis.gateway.config.GatewayProperties gateway) {
		UpstreamResponseHeaders responseHeaders = new UpstreamResponseHeaders(routes,
				List.of(gateway.accessCookie(), gateway.refreshCookie()));
		return new UpstreamRoutingFilter(httpClient, properties,
				routingHeadersFilters(headersFilters, requestHeaders, responseHeaders));
	}

	@Bean
	@ConditionalOnBooleanProperty(name = NETTY_ROUTING, havingValue = false)
	@ConditionalOnMissingBean
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
