package dev.portcullis.gateway.web;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.metrics.DecisionMeter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The web boundary: the one handler that turns failures into problem+json, the path guard on
 * every route, and cross-origin access for the configured single-page-app origins (off with
 * {@code portcullis.gateway.cors.enabled=false}, for an application that answers CORS itself).
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(GatewayProperties.class)
public class WebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProblemExceptionHandler problemExceptionHandler(DecisionMeter decisions) {
		return new ProblemExceptionHandler(decisions);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "portcullis.gateway.path-guard.enabled", matchIfMissing = true)
	PathGuardFilter pathGuardFilter() {
		return new PathGuardFilter();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "portcullis.gateway.cors.enabled", matchIfMissing = true)
	CorsFilter corsFilter(GatewayProperties properties) {
		GatewayProperties.Cors cors = properties.cors();
		return new CorsFilter(cors.allowedOrigins(), cors.allowedMethods(), cors.maxAge().toSeconds());
	}

}
