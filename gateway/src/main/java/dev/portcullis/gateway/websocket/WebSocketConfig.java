package dev.portcullis.gateway.websocket;

import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.route.RoutePolicy;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * WebSockets through the gateway: the {@code Origin} check on upgrades.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfig {

	@Bean
	UpgradeOriginFilter upgradeOriginFilter(GatewayProperties properties, RoutePolicy routePolicy) {
		return new UpgradeOriginFilter(properties.cors().allowedOrigins(), routePolicy);
	}

}
