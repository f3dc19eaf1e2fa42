package dev.portcullis.gateway.config;

import dev.portcullis.gateway.revocation.RevocationList;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Revocation: the in-memory denylist the access check consults on every request.
 */
@Configuration(proxyBeanMethods = false)
class RevocationConfig {

	@Bean
	RevocationList revocationList(GatewayProperties properties) {
		// a token lives up to clock-skew past its exp, so its revocation must too
		return new RevocationList(properties.clockSkew());
	}

}
