package dev.portcullis.gateway.websocket;

import java.time.Clock;
import java.time.Duration;

import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.server.WebSocketService;

/**
 * WebSockets through the gateway: the {@code Origin} check on upgrades, and the registry that
 * ends sockets whose access has expired or been revoked, wired into the
 * {@link WebSocketService} Spring Cloud Gateway proxies sockets with.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfig {

	/** Bounds how late past its token's expiry a socket is ended. */
	static final Duration SWEEP_EVERY = Duration.ofMillis(250);

	@Bean
	UpgradeOriginFilter upgradeOriginFilter(GatewayProperties properties, RoutePolicy routePolicy) {
		return new UpgradeOriginFilter(properties.cors().allowedOrigins(), routePolicy);
	}

	@Bean
	OpenSockets openSockets(RevocationList revocations, GatewayProperties properties, Clock clock) {
		OpenSockets sockets = new OpenSockets(revocations, properties.clockSkew(), SWEEP_EVERY, clock);
		revocations.addListener(sockets::revoked);
		return sockets;
	}

	/**
	 * Decorates the gateway's {@link WebSocketService}: Spring Cloud Gateway declares it without
	 * {@code @ConditionalOnMissingBean} and hands it straight to its routing filter, so a second
	 * bean would not replace it.
	 */
	@Bean
	static BeanPostProcessor guardedWebSocketService(ObjectProvider<OpenSockets> sockets) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof WebSocketService service && !(bean instanceof GuardedWebSocketService)) {
					return new GuardedWebSocketService(service, sockets.getObject());
				}
				return bean;
			}

		};
	}

}
