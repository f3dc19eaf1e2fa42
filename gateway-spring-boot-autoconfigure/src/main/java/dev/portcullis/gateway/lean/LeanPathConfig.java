package dev.portcullis.gateway.lean;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.gateway.core.CorsPolicy;
import dev.portcullis.gateway.core.CsrfPolicy;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.proxy.UpstreamRequestHeaders;
import dev.portcullis.gateway.proxy.UpstreamResponseHeaders;
import dev.portcullis.gateway.ratelimit.RateLimitProperties;
import dev.portcullis.gateway.revocation.RevocationList;
import dev.portcullis.gateway.route.RoutePolicy;
import dev.portcullis.gateway.security.AccessDecision;
import dev.portcullis.gateway.security.AccessTokenVerifier;
import dev.portcullis.gateway.tracing.TracingSwitch;
import dev.portcullis.gateway.web.Problems;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinitionLocator;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The lean path ({@link LeanPath}), on unless {@code portcullis.gateway.lean-path.enabled=false},
 * which puts every route on Spring Cloud Gateway's own chain (the start-up line says so too). Some configurations put every route
 * there anyway, said in the start-up line: tracing (the proxy call's observation lives in Spring
 * Cloud Gateway's routing filter), an {@code HttpHeadersFilter} or {@code GlobalFilter} of the
 * application's or one of Spring Cloud Gateway's that adds work (its metrics, forwarded headers
 * from its own {@code trusted-proxies}), default filters, or a WebFlux base path.
 */
@AutoConfiguration
public class LeanPathConfig {

	static final String ENABLED = "portcullis.gateway.lean-path.enabled";

	/** Header passes whose work the lean path does itself (or that change nothing on its routes). */
	private static final Set<String> KNOWN_HEADER_FILTERS = Set.of("RemoveHopByHopHeadersFilter",
			"RemoveForwardedHeadersFilter", "RemoveXForwardedHeadersFilter", "TransferEncodingNormalizationHeadersFilter",
			"UpstreamRequestHeaders", "UpstreamResponseHeaders");

	/**
	 * Global filters whose work the lean path does itself, or that do nothing on its routes (http
	 * and https upstreams, no upgrade, no cached body).
	 */
	private static final Set<String> KNOWN_GLOBAL_FILTERS = Set.of("RouteToRequestUrlFilter", "NettyRoutingFilter",
			"NettyWriteResponseFilter", "WebsocketRoutingFilter", "ForwardRoutingFilter", "ForwardPathFilter",
			"AdaptCachedBodyGlobalFilter", "RemoveCachedBodyFilter", "ReactiveLoadBalancerClientFilter",
			"LoadBalancerServiceInstanceCookieFilter", "NoLoadBalancerClientFilter", "CsrfFilter", "UpgradeOriginFilter", "AccessCheckFilter");

	@Bean
	LeanRoutes leanRoutes(RouteLocator routeLocator, RouteDefinitionLocator definitions,
			ConfigurationService configuration, List<RoutePredicateFactory<?>> predicates,
			List<GatewayFilterFactory<?>> filters, HttpClientProperties httpClient,
			org.springframework.cloud.gateway.config.GatewayProperties gateway, List<GlobalFilter> globalFilters,
			List<HttpHeadersFilter> headersFilters, ObjectProvider<RateLimitProperties> rateLimits,
			Environment environment) {
		return new LeanRoutes(routeLocator, definitions,
				new LeanRouteCompiler(configuration, predicates, filters, httpClient,
						rateLimits.getIfAvailable() != null && !rateLimits.getObject().enabled()),
				everyRouteReason(environment, gateway, globalFilters, headersFilters));
	}

	@Bean
	LeanPath leanPath(LeanRoutes routes, HttpClient httpClient, GatewayProperties properties,
			AccessTokenVerifier verifier, RevocationList revocations, RoutePolicy routePolicy, DecisionMeter decisions,
			ClientAddresses clients, UpstreamRequestHeaders requestHeaders, Environment environment) {
		GatewayProperties.Cors cors = properties.cors();
		List<String> authCookies = List.of(properties.accessCookie(), properties.refreshCookie());
		boolean csrf = environment.getProperty("portcullis.gateway.csrf.enabled", Boolean.class, true);
		return new LeanPath(routes, httpClient,
				new CorsPolicy(cors.allowedOrigins(), cors.allowedMethods(), cors.maxAge().toSeconds()),
				csrf ? new CsrfPolicy(cors.allowedOrigins(), properties.csrf().allowedFetchSites()) : null,
				new AccessDecision(properties.accessCookie(), verifier, revocations, routePolicy,
						properties.identityHeaders(), authCookies, decisions),
				clients, requestHeaders, new UpstreamResponseHeaders(routePolicy, authCookies), new Problems(decisions));
	}

	/** Tells the lean path which port is the public one (not the management port). */
	@Bean
	ApplicationListener<WebServerInitializedEvent> leanPathPort(ObjectProvider<LeanPath> leanPath) {
		return (event) -> {
			if (!StringUtils.hasText(event.getApplicationContext().getServerNamespace())) {
				leanPath.getObject().onPublicPort(event.getWebServer().getPort());
			}
		};
	}

	static String everyRouteReason(Environment environment, org.springframework.cloud.gateway.config.GatewayProperties gateway,
			List<GlobalFilter> globalFilters, List<HttpHeadersFilter> headersFilters) {
		List<String> reasons = new ArrayList<>();
		if (!environment.getProperty(ENABLED, Boolean.class, true)) {
			// still logged, so that the start-up line always says where the routes run
			return ENABLED + "=false";
		}
		if (environment.getProperty(TracingSwitch.ACTIVE, Boolean.class, false)) {
			reasons.add("tracing is on");
		}
		if (!gateway.getDefaultFilters().isEmpty()) {
			reasons.add("default-filters are set");
		}
		if (StringUtils.hasText(environment.getProperty("spring.webflux.base-path"))) {
			reasons.add("spring.webflux.base-path is set");
		}
		for (HttpHeadersFilter filter : headersFilters) {
			if (!KNOWN_HEADER_FILTERS.contains(filter.getClass().getSimpleName())) {
				reasons.add("header filter " + filter.getClass().getName());
			}
		}
		for (GlobalFilter filter : globalFilters) {
			if (!KNOWN_GLOBAL_FILTERS.contains(filter.getClass().getSimpleName())) {
				reasons.add("global filter " + filter.getClass().getName());
			}
		}
		return reasons.isEmpty() ? null : String.join(", ", reasons);
	}

}
