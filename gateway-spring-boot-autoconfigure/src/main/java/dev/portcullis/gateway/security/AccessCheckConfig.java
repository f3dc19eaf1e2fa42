package dev.portcullis.gateway.security;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The access-cookie check: signing keys from the auth service's JWKS, the cached verifier and
 * the global filter that applies them, and their meters unless
 * {@code portcullis.gateway.metrics.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
class AccessCheckConfig {

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	JwksKeyStore jwksKeyStore(GatewayProperties properties) {
		GatewayProperties.Jwks jwks = properties.jwks();
		return new JwksKeyStore(WebClient.builder().build(), properties.jwksUri(), algorithms(properties),
				jwks.refreshInterval(), jwks.minRefetchInterval(), jwks.timeout());
	}

	@Bean
	SigningKeysHealthIndicator signingKeysHealthIndicator(JwksKeyStore keyStore) {
		return new SigningKeysHealthIndicator(keyStore);
	}

	@Bean
	AccessTokenVerifier accessTokenVerifier(JwksKeyStore keyStore, GatewayProperties properties, Clock clock,
			ObjectProvider<MeterRegistry> registry) {
		return new AccessTokenVerifier(keyStore,
				new AccessTokenVerifier.Settings(properties.issuer(), properties.audience(), algorithms(properties), properties.clockSkew(),
						properties.maxTokenLifetime(), properties.maxTokenSize(),
						TokenCacheBudget.maxWeight(properties, Runtime.getRuntime().maxMemory())),
				clock, properties.metrics().enabled() ? AccessCheckMetrics.verificationTimer(registry.getObject()) : null);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "portcullis.gateway.metrics.enabled", matchIfMissing = true)
	AccessCheckMetrics accessCheckMetrics(AccessTokenVerifier verifier, JwksKeyStore keyStore) {
		return new AccessCheckMetrics(verifier, keyStore);
	}

	@Bean
	AccessCheckFilter accessCheckFilter(AccessTokenVerifier verifier, RevocationList revocations,
			RoutePolicy routePolicy, GatewayProperties properties, DecisionMeter decisions) {
		return new AccessCheckFilter(new AccessTokenConverter(properties.accessCookie()), verifier, revocations,
				routePolicy, properties.identityHeaders(), List.of(properties.accessCookie(), properties.refreshCookie()),
				decisions);
	}

	private static Set<JWSAlgorithm> algorithms(GatewayProperties properties) {
		return properties.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
	}

}
