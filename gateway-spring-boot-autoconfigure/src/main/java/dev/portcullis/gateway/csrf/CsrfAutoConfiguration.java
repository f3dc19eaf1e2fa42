package dev.portcullis.gateway.csrf;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The CSRF check on unsafe methods, on unless {@code portcullis.gateway.csrf.enabled=false}.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@ConditionalOnBooleanProperty(name = "portcullis.gateway.csrf.enabled", matchIfMissing = true)
@EnableConfigurationProperties(GatewayProperties.class)
public class CsrfAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CsrfFilter csrfFilter(GatewayProperties properties) {
		return new CsrfFilter(properties.cors().allowedOrigins(), properties.csrf().allowedFetchSites());
	}

}
