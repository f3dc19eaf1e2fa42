package dev.portcullis.gateway.proxy;

import java.util.List;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.route.RoutePolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The header passes every proxied request and response goes through, on Spring Cloud Gateway's
 * own routing filters (as two of their {@code HttpHeadersFilter}s) and on the lean path alike.
 */
@Configuration(proxyBeanMethods = false)
class ProxyConfig {

	/** A bean so that Spring Cloud Gateway's routing filters (HTTP and WebSocket) set X-Forwarded-For. */
	@Bean
	UpstreamRequestHeaders upstreamRequestHeaders(ObjectProvider<RemoveForwardedHeadersFilter> removeForwarded,
			ObjectProvider<RemoveXForwardedHeadersFilter> removeXForwarded, ClientAddresses clients) {
		return new UpstreamRequestHeaders(removeForwarded.getIfAvailable() != null,
				removeXForwarded.getIfAvailable() != null, clients);
	}

	/** A bean so that Spring Cloud Gateway's routing filter drops auth cookies an upstream tries to plant. */
	@Bean
	UpstreamResponseHeaders upstreamResponseHeaders(RoutePolicy routes,
			dev.portcullis.gateway.config.GatewayProperties gateway) {
		return new UpstreamResponseHeaders(routes, List.of(gateway.accessCookie(), gateway.refreshCookie()));
	}

}
