package dev.portcullis.gateway.web;

import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Cross-origin access for the configured single-page-app origins.
 */
@Configuration(proxyBeanMethods = false)
class CorsConfig {

	@Bean
	CorsFilter corsFilter(GatewayProperties properties) {
		GatewayProperties.Cors cors = properties.cors();
		return new CorsFilter(cors.allowedOrigins(), cors.allowedMethods(), cors.maxAge().toSeconds());
	}

}
