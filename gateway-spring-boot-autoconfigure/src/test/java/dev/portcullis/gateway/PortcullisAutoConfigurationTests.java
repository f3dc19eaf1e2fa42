package dev.portcullis.gateway;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.portcullis.gateway.ratelimit.RateLimitProperties;
import dev.portcullis.gateway.route.RoutePolicy;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's auto-configuration in an application that has only it and its YAML: what it
 * registers, when it backs off, what it refuses, and the switches. The context is built the way
 * Spring Boot builds an application's (every auto-configuration on the class path), without a
 * server; the JWKS and feed addresses point at a closed port and are never reached.
 */
class PortcullisAutoConfigurationTests {

	/** Ours only: enough to see them back off. */
	private static final AutoConfigurations OURS = AutoConfigurations.of(ImportCandidates
		.load(AutoConfiguration.class, PortcullisAutoConfigurationTests.class.getClassLoader())
		.getCandidates()
		.stream()
		.filter((name) -> name.startsWith("dev.portcullis."))
		.map(PortcullisAutoConfigurationTests::load)
		.toArray(Class<?>[]::new));

	private static final String[] MINIMAL = { "portcullis.gateway.jwks-uri=http://127.0.0.1:9/.well-known/jwks.json",
			"portcullis.gateway.revocation.feed-uri=http://127.0.0.1:9/internal/revocations",
			"portcullis.feed-secret=" + FakeRevocationFeed.SECRET, "management.health.redis.enabled=false" };

	private static final List<String> FEATURES = List.of("accessCheckFilter", "revocationFeedClient", "routePolicy",
			"portcullisPublicGatewayFilterFactory", "csrfFilter", "corsFilter", "pathGuardFilter",
			"problemExceptionHandler", "upgradeOriginFilter", "upstreamRequestHeaders", "portcullisUserKeyResolver",
			"clientAddresses", "decisionMeter", "serverLimits");

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withUserConfiguration(Application.class)
		.withPropertyValues(MINIMAL);

	@Test
	void gatewayWithTheMinimalSettingsGetsEveryFeature() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			for (String bean : FEATURES) {
				assertThat(context.containsBean(bean)).as(bean).isTrue();
			}
			assertThat(context.getBeansOfType(GlobalFilter.class)).containsKeys("accessCheckFilter", "csrfFilter",
					"upgradeOriginFilter");
		});
	}

	@Test
	void stockRoutingFilterIsKeptAndGetsTheResponseHeaderRule() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("routingFilter").getClass().getName())
				.isEqualTo("org.springframework.cloud.gateway.filter.NettyRoutingFilter");
			assertThat(context.containsBean("upstreamResponseHeaders")).isTrue();
			assertThat(context.containsBean("upstreamRoutingFilter")).isFalse();
		});
	}

	@Test
	void leanPathAndStockRoutingFilterShareTheSameHeaderPasses() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(org.springframework.boot.reactor.netty.NettyRouteProvider.class);
			assertThat(context.containsBean("routingFilter")).isTrue();
			assertThat(context).hasSingleBean(dev.portcullis.gateway.proxy.UpstreamRequestHeaders.class);
			assertThat(context).hasSingleBean(dev.portcullis.gateway.proxy.UpstreamResponseHeaders.class);
		});
	}

	@Test
	void missingJwksUriFailsStartUpNamingTheSetting() {
		new ReactiveWebApplicationContextRunner().withUserConfiguration(Application.class)
			.withPropertyValues("portcullis.gateway.revocation.feed-uri=http://127.0.0.1:9/internal/revocations",
					"portcullis.feed-secret=" + FakeRevocationFeed.SECRET)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("portcullis.gateway.jwks-uri is not set")
				.hasMessageContaining("/.well-known/jwks.json"));
	}

	@Test
	void missingFeedSecretFailsStartUp() {
		new ReactiveWebApplicationContextRunner().withUserConfiguration(Application.class)
			.withPropertyValues(MINIMAL[0], MINIMAL[1])
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("portcullis.feed-secret"));
	}

	@Test
	void accessCheckSwitchedOffFailsStartUpSayingHowToMakeRoutesPublic() {
		this.runner.withPropertyValues("portcullis.gateway.access-check.enabled=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("portcullis.gateway.access-check.enabled=false")
				.hasMessageContaining("PortcullisPublic")
				.hasMessageContaining("portcullis.gateway.enabled=false"));
	}

	@Test
	void portcullisSwitchedOffAsAWholeRegistersNothing() {
		this.runner.withPropertyValues("portcullis.gateway.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("accessCheckFilter").doesNotHaveBean("revocationFeedClient");
			assertThat(context.containsBean("routingFilter")).as("the gateway itself still routes").isTrue();
		});
	}

	@Test
	void gatewaySwitchedOffLeavesNothingToCheck() {
		new ReactiveWebApplicationContextRunner().withConfiguration(OURS)
			.withPropertyValues(MINIMAL)
			.withPropertyValues("spring.cloud.gateway.server.webflux.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("accessCheckFilter"));
	}

	@Test
	void withoutSpringCloudGatewayOnTheClassPathNothingIsRegistered() {
		new ReactiveWebApplicationContextRunner().withConfiguration(OURS)
			.withClassLoader(new FilteredClassLoader(GlobalFilter.class))
			.withPropertyValues(MINIMAL)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("accessCheckFilter")
				.doesNotHaveBean("clientAddresses")
				.doesNotHaveBean("serverLimits"));
	}

	@Test
	void withoutRedisOnTheClassPathThereAreNoRateLimitsAndNoRedisHealth() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis", "io.lettuce"))
			.withPropertyValues("management.health.redis.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("accessCheckFilter")
				.doesNotHaveBean("portcullisUserKeyResolver")
				.doesNotHaveBean("rateLimitHealthIndicator")
				.doesNotHaveBean("redisHealthContributor")
				.doesNotHaveBean("redisConnectionFactory"));
	}

	@Test
	void withRedisOnTheClassPathTheRateLimitsAreThereButOff() {
		this.runner.withPropertyValues("management.health.redis.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasBean("portcullisUserKeyResolver")
				.hasBean("rateLimitHealthIndicator")
				.hasBean("redisHealthContributor");
			assertThat(context.getBean(RateLimitProperties.class).enabled()).isFalse();
		});
	}

	@Test
	void nonWebApplicationGetsNothing() {
		new ApplicationContextRunner().withConfiguration(OURS)
			.withPropertyValues(MINIMAL)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("accessCheckFilter")
				.doesNotHaveBean("clientAddresses"));
	}

	@Test
	void csrfSwitchedOffRemovesOnlyTheCsrfCheck() {
		this.runner.withPropertyValues("portcullis.gateway.csrf.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("csrfFilter")
				.hasBean("accessCheckFilter"));
	}

	@Test
	void corsSwitchedOffRemovesOnlyTheCorsAnswers() {
		this.runner.withPropertyValues("portcullis.gateway.cors.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("corsFilter")
				.hasBean("csrfFilter")
				.hasBean("upgradeOriginFilter"));
	}

	@Test
	void pathGuardSwitchedOffRemovesOnlyThePathGuard() {
		this.runner.withPropertyValues("portcullis.gateway.path-guard.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("pathGuardFilter")
				.hasBean("accessCheckFilter"));
	}

	@Test
	void serverLimitsSwitchedOffLeaveTheServerAlone() {
		this.runner.withPropertyValues("portcullis.gateway.server-limits.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("serverLimits")
				.hasBean("accessCheckFilter"));
	}

	@Test
	void metricsSwitchedOffRegisterNoMeters() {
		this.runner.withPropertyValues("portcullis.gateway.metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("accessCheckMetrics")
				.doesNotHaveBean("revocationFeedMetrics")
				.hasBean("accessCheckFilter"));
	}

	@Test
	void applicationsOwnBeansReplaceOurs() {
		this.runner.withUserConfiguration(OwnBeans.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(RoutePolicy.class).isSameAs(context.getBean("ownRoutePolicy"));
			assertThat(context).doesNotHaveBean("routePolicy").doesNotHaveBean("clock");
			assertThat(context).getBean(Clock.class).isSameAs(OwnBeans.CLOCK);
		});
	}

	private static Class<?> load(String name) {
		try {
			return Class.forName(name, false, PortcullisAutoConfigurationTests.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An application as Spring Boot starts it: every auto-configuration of the class path. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

		@Bean
		RoutePolicy ownRoutePolicy() {
			return new RoutePolicy(List.of("/everything-public/**"));
		}

		@Bean
		Clock ownClock() {
			return CLOCK;
		}

	}

}
