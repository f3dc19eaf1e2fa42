package dev.portcullis.gateway.route;

import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which routes are public, and the start-up report listing them.
 */
@Configuration(proxyBeanMethods = false)
class RouteConfig {

	@Bean
	RoutePolicy routePolicy(GatewayProperties properties) {
		return new RoutePolicy(properties.publicPaths());
	}

	@Bean
	PublicRoutesReport publicRoutesReport(org.springframework.cloud.gateway.config.GatewayProperties gateway,
			GatewayProperties properties) {
		return new PublicRoutesReport(gateway, properties.publicPaths());
	}

}
