package dev.portcullis.gateway.client;

import dev.portcullis.gateway.config.TrustedProxiesProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one decision of who the client is, from the configured trusted proxies. */
@Configuration(proxyBeanMethods = false)
class ClientAddressConfig {

	@Bean
	ClientAddresses clientAddresses(TrustedProxiesProperties properties) {
		return new ClientAddresses(properties.proxies());
	}

}
