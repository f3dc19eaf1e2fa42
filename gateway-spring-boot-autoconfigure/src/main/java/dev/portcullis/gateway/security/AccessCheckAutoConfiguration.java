package dev.portcullis.gateway.security;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The access-cookie check: signing keys from the auth service's JWKS, the cached verifier and
 * the global filter that applies them, and their meters unless
 * {@code portcullis.gateway.metrics.enabled=false}.
 *
 * <p>Unlike the other features it has no off switch: a gateway whose access check is off lets
 * every request through, so {@value #ENABLED}{@code =false} stops start-up and says how to make
 * routes public or remove Portcullis instead.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class, after = ApplicationAvailabilityAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@EnableConfigurationProperties(GatewayProperties.class)
public class AccessCheckAutoConfiguration {

	static final String ENABLED = "portcullis.gateway.access-check.enabled";

	AccessCheckAutoConfiguration(Environment environment) {
		if (Boolean.FALSE.equals(environment.getProperty(ENABLED, Boolean.class))) {
			throw new IllegalStateException(ENABLED + "=false would let every request through unchecked, so the"
					+ " access check has no off switch. Make routes public with route metadata 'public: true', the"
					+ " PortcullisPublic route filter or portcullis.gateway.public-paths; or remove Portcullis"
					+ " altogether with portcullis.gateway.enabled=false");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	@ConditionalOnMissingBean
	JwksKeyStore jwksKeyStore(GatewayProperties properties) {
		GatewayProperties.Jwks jwks = properties.jwks();
		return new JwksKeyStore(WebClient.builder().build(), properties.jwksUri(), algorithms(properties),
				jwks.refreshInterval(), jwks.minRefetchInterval(), jwks.timeout());
	}

	@Bean
	@ConditionalOnMissingBean
	SigningKeysHealthIndicator signingKeysHealthIndicator(JwksKeyStore keyStore) {
		return new SigningKeysHealthIndicator(keyStore);
	}

	/** Not ready until the first signing keys are held; no readiness-group setting needed. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ApplicationAvailability.class)
	KeysReadiness keysReadiness(JwksKeyStore keyStore, ApplicationAvailability availability,
			ApplicationEventPublisher events) {
		return new KeysReadiness(keyStore, availability, events);
	}

	@Bean
	@ConditionalOnMissingBean
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
	@ConditionalOnMissingBean
	AccessCheckMetrics accessCheckMetrics(AccessTokenVerifier verifier, JwksKeyStore keyStore) {
		return new AccessCheckMetrics(verifier, keyStore);
	}

	@Bean
	@ConditionalOnMissingBean
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
