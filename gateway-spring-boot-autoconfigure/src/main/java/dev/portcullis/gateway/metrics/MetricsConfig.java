package dev.portcullis.gateway.metrics;

import dev.portcullis.gateway.config.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The decision counters, with one counter per outcome of every configured route; a meter that
 * counts nothing when {@code portcullis.gateway.metrics.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfig {

	@Bean
	DecisionMeter decisionMeter(GatewayProperties properties,
			org.springframework.cloud.gateway.config.GatewayProperties gateway, ObjectProvider<MeterRegistry> registry) {
		if (!properties.metrics().enabled()) {
			return DecisionMeter.off();
		}
		return DecisionMeter.on(registry.getObject(), gateway.getRoutes().stream().map(RouteDefinition::getId).toList());
	}

}
