package dev.portcullis.gateway.client;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.TrustedProxiesProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** The one decision of who the client is, from the configured trusted proxies. */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(TrustedProxiesProperties.class)
public class ClientAddressAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClientAddresses clientAddresses(TrustedProxiesProperties properties) {
		return new ClientAddresses(properties.proxies());
	}

}
