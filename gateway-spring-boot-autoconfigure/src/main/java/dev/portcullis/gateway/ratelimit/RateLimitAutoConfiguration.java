package dev.portcullis.gateway.ratelimit;

import java.time.Clock;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;
import io.lettuce.core.ClientOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Request rate limits shared by every replica: Spring Cloud Gateway's {@code RequestRateLimiter}
 * filter with its Redis token bucket, keyed by {@code portcullisUserKeyResolver} (the default)
 * or {@code portcullisClientKeyResolver}, through {@link OutageAwareRateLimiter}. Routes opt
 * in with the filter in YAML; {@code portcullis.gateway.rate-limit.enabled} turns them all on.
 * <p>
 * Only with Spring Data Redis and Lettuce on the class path, which the starter leaves to the
 * application ({@code spring-boot-starter-data-redis-reactive}): without them there are no
 * limits, no Redis connection and no {@code redis} health indicator. With them and the limits
 * off, the routes' filters let every request through without asking Redis, so an application
 * keeps its routes' filters and turns the limits on with the one property.
 */
@AutoConfiguration(before = GatewayAutoConfiguration.class)
@ConditionalOnPortcullisGateway
@ConditionalOnClass({ ReactiveRedisConnectionFactory.class, ClientOptions.class, DataRedisProperties.class })
@EnableConfigurationProperties({ RateLimitProperties.class, GatewayProperties.class })
public class RateLimitAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RateLimitAutoConfiguration.class);

	static final String AVAILABLE_METER = "portcullis.gateway.rate.limit.redis.available";

	static final String WITHOUT_REDIS_METER = "portcullis.gateway.rate.limit.without.redis";

	@Bean
	@Primary
	@ConditionalOnMissingBean(name = "portcullisUserKeyResolver")
	KeyResolver portcullisUserKeyResolver(ClientAddresses clientAddresses) {
		return PortcullisKeyResolver.perUser(clientAddresses);
	}

	@Bean
	@ConditionalOnMissingBean(name = "portcullisClientKeyResolver")
	KeyResolver portcullisClientKeyResolver(ClientAddresses clientAddresses) {
		return PortcullisKeyResolver.perClient(clientAddresses);
	}

	/** Sign-in and sign-up: per account named in the body, after the {@code ReadAccount} filter. */
	@Bean
	@ConditionalOnMissingBean(name = "portcullisAccountKeyResolver")
	KeyResolver portcullisAccountKeyResolver(ClientAddresses clientAddresses) {
		return PortcullisKeyResolver.perAccount(clientAddresses);
	}

	/** Refresh: per refresh token presented. */
	@Bean
	@ConditionalOnMissingBean(name = "portcullisSessionKeyResolver")
	KeyResolver portcullisSessionKeyResolver(ClientAddresses clientAddresses, GatewayProperties gateway) {
		return PortcullisKeyResolver.perSession(clientAddresses, gateway.refreshCookie());
	}

	/** The {@code ReadAccount} route filter. */
	@Bean
	@ConditionalOnMissingBean
	ReadAccountGatewayFilterFactory readAccountGatewayFilterFactory() {
		return new ReadAccountGatewayFilterFactory();
	}

	@Bean
	@ConditionalOnMissingBean
	RedisAvailability rateLimitRedisAvailability(RateLimitProperties properties, Clock clock) {
		return new RedisAvailability(clock, modeName(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	RedisConnector rateLimitRedisConnector(ReactiveRedisConnectionFactory connections, RateLimitProperties properties,
			RedisAvailability availability) {
		return new RedisConnector(connections, availability, properties.enabled());
	}

	@Bean
	@Primary
	@ConditionalOnMissingBean
	OutageAwareRateLimiter portcullisRateLimiter(RedisRateLimiter redis, RateLimitProperties properties,
			RedisAvailability availability, RedisConnector connector, GatewayProperties gateway,
			ObjectProvider<MeterRegistry> registry) {
		Counter withoutRedis = null;
		if (gateway.metrics().enabled() && properties.enabled()) {
			MeterRegistry meters = registry.getObject();
			Gauge.builder(AVAILABLE_METER, availability, (state) -> state.state().available() ? 1 : 0)
				.description("1 while the rate limits' Redis answers, 0 while it does not")
				.register(meters);
			withoutRedis = Counter.builder(WITHOUT_REDIS_METER)
				.description("Requests on limited routes decided without Redis (let through or refused, as configured)")
				.tag("when-redis-down", modeName(properties))
				.register(meters);
		}
		return new OutageAwareRateLimiter(redis, properties, availability, connector, withoutRedis);
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitHealthIndicator rateLimitHealthIndicator(RateLimitProperties properties,
			RedisAvailability availability) {
		return new RateLimitHealthIndicator(properties, availability);
	}

	/**
	 * Spring Cloud Gateway's token-bucket script, read once at start-up. Its own bean reads the
	 * script from the jar on the first request and checks the jar entry's modification time on
	 * every later one: file I/O on the event loop.
	 */
	@Bean
	static BeanPostProcessor rateLimitScriptInMemory() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String name) {
				if (RedisRateLimiter.REDIS_SCRIPT_NAME.equals(name) && bean instanceof RedisScript<?> script) {
					return RedisScript.of(script.getScriptAsString(), script.getResultType());
				}
				return bean;
			}

		};
	}

	/**
	 * Commands sent while the connection to Redis is down fail at once instead of waiting in
	 * Lettuce's queue for a reconnect (up to the command timeout): an outage then costs a
	 * limited request nothing.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer rateLimitRejectWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	/** Says once, at start-up, whether the limits are on and where their Redis is. */
	@Bean
	ApplicationListener<ApplicationReadyEvent> rateLimitStartupReport(RateLimitProperties properties,
			DataRedisProperties redis) {
		return (event) -> {
			if (properties.enabled()) {
				logger.info("Rate limits on: Redis at " + redisLocation(redis) + "; while it does not answer, limited"
						+ " routes " + modeName(properties));
			}
			else {
				logger.info("Rate limits off: routes with a RequestRateLimiter filter are not limited"
						+ " (portcullis.gateway.rate-limit.enabled=true, with a Redis, turns them on)");
			}
		};
	}

	static String modeName(RateLimitProperties properties) {
		return properties.whenRedisDown().name().toLowerCase().replace('_', '-');
	}

	private static String redisLocation(DataRedisProperties redis) {
		if (redis.getUrl() != null) {
			// the URL may carry a password: only its host part is shown
			java.net.URI uri = java.net.URI.create(redis.getUrl());
			return uri.getHost() + ":" + uri.getPort();
		}
		return redis.getHost() + ":" + redis.getPort() + " database " + redis.getDatabase();
	}

}
