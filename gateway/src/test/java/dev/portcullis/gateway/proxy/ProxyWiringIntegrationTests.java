package dev.portcullis.gateway.proxy;

import java.time.Duration;
import java.util.List;

import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.WeightCalculatorWebFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the shipped configuration leaves on the request path: the lean path for the routes it
 * runs, Spring Cloud Gateway's own routing filter with our header passes for the others, the
 * route lookup first, and none of Spring Cloud Gateway's
 * per-request work that no shipped route uses. The behaviour of each piece is tested through
 * the real gateway in {@code GatewayIntegrationTests}; this guards the wiring, which an upgrade
 * of Spring Cloud Gateway could silently undo.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProxyWiringIntegrationTests {

	static final FakeJwksServer jwks = new FakeJwksServer(TestKeys.rsa("k1"));

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	@Autowired
	ApplicationContext context;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("management.server.port", () -> "0");
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		feed.close();
	}

	@Test
	void routingWhenShippedConfigurationThenSpringCloudGatewaysOwnFilterWithOurHeaderPassesIsTheFallback() {
		List<NettyRoutingFilter> routing = List.copyOf(this.context.getBeansOfType(NettyRoutingFilter.class).values());

		assertThat(routing).singleElement().extracting(Object::getClass).isEqualTo(NettyRoutingFilter.class);
		assertThat(routing.get(0).getHeadersFilters()).hasAtLeastOneElementOfType(UpstreamRequestHeaders.class)
			.hasAtLeastOneElementOfType(UpstreamResponseHeaders.class);
		assertThat(this.context.getBeansOfType(NettyWriteResponseFilter.class)).hasSize(1);
		assertThat(this.context.containsBean("leanPath")).as("the lean path is on by default").isTrue();
	}

	@Test
	void routingWhenShippedConfigurationThenUnusedPerRequestWorkIsOff() {
		assertThat(this.context.getBeansOfType(WeightCalculatorWebFilter.class)).isEmpty();
		assertThat(this.context.getBeansOfType(HttpHeadersFilter.class).values())
			.noneMatch((filter) -> filter.getClass().getSimpleName().startsWith("GRPC"));
		// no body-caching filters: ReadAccount (sign-in, sign-up) holds and replays its body itself
		assertThat(this.context.getBeansOfType(GlobalFilter.class).values())
			.extracting((filter) -> filter.getClass().getSimpleName())
			.doesNotContain("ForwardRoutingFilter", "ForwardPathFilter", "AdaptCachedBodyGlobalFilter",
					"RemoveCachedBodyFilter");
	}

	@Test
	void routesWhenShippedConfigurationThenAuthRoutesLimitedTwice() {
		java.util.Map<String, Integer> filters = new java.util.HashMap<>();
		this.context.getBean(org.springframework.cloud.gateway.route.RouteLocator.class)
			.getRoutes()
			.toStream()
			.forEach((route) -> filters.put(route.getId(), route.getFilters().size()));

		// ReadAccount, then per account and per client address
		assertThat(filters).containsEntry("auth-credentials", 3);
		// per refresh token and per client address
		assertThat(filters).containsEntry("auth-refresh", 2);
	}

	@Test
	void lookupWhenRequestArrivesThenRoutesAreConsultedBeforeAnyOtherHandlerMapping() {
		int routes = this.context.getBean(RoutePredicateHandlerMapping.class).getOrder();

		assertThat(this.context.getBeansOfType(HandlerMapping.class).values())
			.filteredOn((mapping) -> !(mapping instanceof RoutePredicateHandlerMapping))
			.allSatisfy((mapping) -> assertThat(((Ordered) mapping).getOrder()).isGreaterThan(routes));
	}

}
