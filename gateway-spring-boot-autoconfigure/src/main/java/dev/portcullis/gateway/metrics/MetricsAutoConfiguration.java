package dev.portcullis.gateway.metrics;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.context.annotation.Bean;

/**
 * The decision counters, with one counter per outcome of every configured route; a meter that
 * counts nothing when {@code portcullis.gateway.metrics.enabled=false}.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(GatewayProperties.class)
public class MetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DecisionMeter decisionMeter(GatewayProperties properties,
			org.springframework.cloud.gateway.config.GatewayProperties gateway, ObjectProvider<MeterRegistry> registry) {
		if (!properties.metrics().enabled()) {
			return DecisionMeter.off();
		}
		return DecisionMeter.on(registry.getObject(), gateway.getRoutes().stream().map(RouteDefinition::getId).toList());
	}

}
