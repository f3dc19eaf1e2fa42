package dev.portcullis.gateway.csrf;

import dev.portcullis.gateway.config.GatewayProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The CSRF check on unsafe methods, on unless {@code portcullis.gateway.csrf.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
class CsrfConfig {

	@Bean
	@ConditionalOnBooleanProperty(name = "portcullis.gateway.csrf.enabled", matchIfMissing = true)
	CsrfFilter csrfFilter(GatewayProperties properties) {
		return new CsrfFilter(properties.cors().allowedOrigins(), properties.csrf().allowedFetchSites());
	}

}
