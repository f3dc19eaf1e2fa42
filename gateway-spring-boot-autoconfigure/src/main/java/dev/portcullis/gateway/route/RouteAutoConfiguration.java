package dev.portcullis.gateway.route;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Which routes are public (metadata {@code public: true} or the {@code PortcullisPublic} route
 * filter), the start-up report listing them, and the start-up check that the
 * route to the auth service forwards the auth cookies.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(GatewayProperties.class)
public class RouteAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RoutePolicy routePolicy(GatewayProperties properties,
			org.springframework.cloud.gateway.config.GatewayProperties gateway) {
		// a route to the auth service without forward-auth-cookies cannot work: start-up stops here
		AuthRouteCheck.check(gateway.getRoutes(), properties.jwksUri());
		return new RoutePolicy(properties.publicPaths());
	}

	@Bean
	@ConditionalOnMissingBean
	PortcullisPublicGatewayFilterFactory portcullisPublicGatewayFilterFactory() {
		return new PortcullisPublicGatewayFilterFactory();
	}

	@Bean
	@ConditionalOnMissingBean
	PublicRoutesReport publicRoutesReport(org.springframework.cloud.gateway.config.GatewayProperties gateway,
			GatewayProperties properties) {
		return new PublicRoutesReport(gateway, properties.publicPaths());
	}

}
