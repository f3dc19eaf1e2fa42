package dev.portcullis.gateway.proxy;

import java.util.List;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.route.RoutePolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.context.annotation.Bean;

/**
 * The header passes every proxied request and response goes through, on Spring Cloud Gateway's
 * own routing filters (as two of their {@code HttpHeadersFilter}s) and on the lean path alike.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(dev.portcullis.gateway.config.GatewayProperties.class)
public class ProxyAutoConfiguration {

	/** A bean so that Spring Cloud Gateway's routing filters (HTTP and WebSocket) set X-Forwarded-For. */
	@Bean
	@ConditionalOnMissingBean
	UpstreamRequestHeaders upstreamRequestHeaders(ObjectProvider<RemoveForwardedHeadersFilter> removeForwarded,
			ObjectProvider<RemoveXForwardedHeadersFilter> removeXForwarded, ClientAddresses clients) {
		return new UpstreamRequestHeaders(removeForwarded.getIfAvailable() != null,
				removeXForwarded.getIfAvailable() != null, clients);
	}

	/** A bean so that Spring Cloud Gateway's routing filter drops auth cookies an upstream tries to plant. */
	@Bean
	@ConditionalOnMissingBean
	UpstreamResponseHeaders upstreamResponseHeaders(RoutePolicy routes,
			dev.portcullis.gateway.config.GatewayProperties gateway) {
		return new UpstreamResponseHeaders(routes, List.of(gateway.accessCookie(), gateway.refreshCookie()));
	}

}
