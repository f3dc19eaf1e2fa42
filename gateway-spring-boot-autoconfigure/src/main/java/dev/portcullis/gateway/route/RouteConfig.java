package dev.portcullis.gateway.route;

import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which routes are public, the start-up report listing them, and the start-up check that the
 * route to the auth service forwards the auth cookies.
 */
@Configuration(proxyBeanMethods = false)
class RouteConfig {

	@Bean
	RoutePolicy routePolicy(GatewayProperties properties,
			org.springframework.cloud.gateway.config.GatewayProperties gateway) {
		// a route to the auth service without forward-auth-cookies cannot work: start-up stops here
		AuthRouteCheck.check(gateway.getRoutes(), properties.jwksUri());
		return new RoutePolicy(properties.publicPaths());
	}

	@Bean
	PublicRoutesReport publicRoutesReport(org.springframework.cloud.gateway.config.GatewayProperties gateway,
			GatewayProperties properties) {
		return new PublicRoutesReport(gateway, properties.publicPaths());
	}

}
