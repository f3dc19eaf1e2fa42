package dev.portcullis.gateway.lean;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.AbstractNameValueGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.AddResponseHeaderGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.PrefixPathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.RewritePathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.SetPathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.StripPrefixGatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.HeaderRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.HostRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.MethodRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.support.Configurable;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.cloud.gateway.support.ShortcutConfigurable;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.util.AntPathMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriTemplate;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Turns a route definition into what the lean path runs, with the arguments bound exactly as
 * Spring Cloud Gateway binds them (its {@link ConfigurationService}, shortcut forms and
 * placeholders included), and the same semantics as its predicate and filter factories; or
 * says why the route stays on Spring Cloud Gateway's chain.
 */
final class LeanRouteCompiler {

	/** The filters the lean path runs itself. */
	private static final Set<String> FILTERS = Set.of("StripPrefix", "PrefixPath", "SetPath", "RewritePath",
			"AddRequestHeader", "SetRequestHeader", "RemoveRequestHeader", "AddResponseHeader", "SetResponseHeader",
			"RemoveResponseHeader");

	private final ConfigurationService configuration;

	private final Map<String, RoutePredicateFactory<?>> predicates;

	private final Map<String, GatewayFilterFactory<?>> filters;

	private final HttpClientProperties httpClient;

	private final PathPatternParser parser = new PathPatternParser();

	/** Whether the gateway's rate limits are off, every {@code RequestRateLimiter} then allowing all. */
	private final boolean rateLimitsOff;

	LeanRouteCompiler(ConfigurationService configuration, List<RoutePredicateFactory<?>> predicates,
			List<GatewayFilterFactory<?>> filters, HttpClientProperties httpClient, boolean rateLimitsOff) {
		this.rateLimitsOff = rateLimitsOff;
		this.configuration = configuration;
		this.predicates = predicates.stream()
			.collect(Collectors.toMap(RoutePredicateFactory::name, Function.identity(), (a, b) -> a));
		this.filters = filters.stream()
			.collect(Collectors.toMap(GatewayFilterFactory::name, Function.identity(), (a, b) -> a));
		this.httpClient = httpClient;
	}

	/**
	 * @param route the route Spring Cloud Gateway built
	 * @param definition its definition, or {@code null} when it has none (a Java-defined route)
	 * @return the route's entry in the lean path's table
	 */
	LeanRoutes.Entry compile(Route route, RouteDefinition definition) {
		if (definition == null) {
			return LeanRoutes.Entry.opaque(route, "not defined by a route definition");
		}
		List<LeanRoute.RoutePredicate> predicates = new ArrayList<>();
		for (PredicateDefinition predicate : definition.getPredicates()) {
			LeanRoute.RoutePredicate compiled = predicate(predicate);
			if (compiled == null) {
				return LeanRoutes.Entry.opaque(route, "predicate " + predicate.getName());
			}
			predicates.add(compiled);
		}
		String reason = unsupported(route, definition);
		if (reason != null) {
			return LeanRoutes.Entry.fullChain(route, predicates, reason);
		}
		List<LeanRoute.PathStep> pathSteps = new ArrayList<>();
		List<LeanRoute.HeaderStep> requestSteps = new ArrayList<>();
		List<LeanRoute.HeaderStep> responseSteps = new ArrayList<>();
		for (FilterDefinition filter : definition.getFilters()) {
			if (!filter(filter, pathSteps, requestSteps, responseSteps)) {
				return LeanRoutes.Entry.fullChain(route, predicates, "filter " + filter.getName() + " with a template");
			}
		}
		URI uri = route.getUri();
		URI upstream = URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
		return LeanRoutes.Entry.lean(new LeanRoute(route, List.copyOf(predicates), List.copyOf(pathSteps),
				List.copyOf(requestSteps), reversed(responseSteps), upstream, responseTimeout(route)));
	}

	/** Response steps run as Spring Cloud Gateway's do: each after the ones declared after it. */
	private static <T> List<T> reversed(List<T> steps) {
		List<T> reversed = new ArrayList<>(steps);
		java.util.Collections.reverse(reversed);
		return List.copyOf(reversed);
	}

	private String unsupported(Route route, RouteDefinition definition) {
		String scheme = route.getUri().getScheme();
		if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
			return "scheme " + scheme;
		}
		if (route.getUri().getRawUserInfo() != null) {
			return "user info in its URI";
		}
		if (route.getMetadata().containsKey(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR)) {
			return "its own connect-timeout";
		}
		for (FilterDefinition filter : definition.getFilters()) {
			if (!FILTERS.contains(filter.getName()) && !isAllowingEverything(filter)) {
				return "filter " + filter.getName();
			}
		}
		return null;
	}

	/**
	 * Whether the filter is a {@code RequestRateLimiter} that lets every request through with no
	 * header: rate limits off ({@code portcullis.gateway.rate-limit.enabled=false}, the gateway's
	 * limiter then answers every key "allowed" with no headers) and keys from the gateway's own
	 * resolvers, which never give an empty key (which Spring Cloud Gateway would refuse).
	 */
	private boolean isAllowingEverything(FilterDefinition filter) {
		if (!this.rateLimitsOff || !"RequestRateLimiter".equals(filter.getName())) {
			return false;
		}
		for (Map.Entry<String, String> arg : filter.getArgs().entrySet()) {
			String key = arg.getKey();
			boolean ours = key.startsWith("redis-rate-limiter.") || key.startsWith("redisRateLimiter.")
					|| ((key.equals("key-resolver") || key.equals("keyResolver"))
							&& arg.getValue().startsWith("#{@portcullis") && arg.getValue().endsWith("KeyResolver}"));
			if (!ours) {
				return false;
			}
		}
		return true;
	}

	private LeanRoute.RoutePredicate predicate(PredicateDefinition definition) {
		RoutePredicateFactory<?> factory = this.predicates.get(definition.getName());
		if (factory == null) {
			return null;
		}
		String name = definition.getName();
		Map<String, String> args = definition.getArgs();
		if (factory instanceof PathRoutePredicateFactory path) {
			return path(bind(path, name, args));
		}
		if (factory instanceof HostRoutePredicateFactory host) {
			return host(bind(host, name, args));
		}
		if (factory instanceof MethodRoutePredicateFactory method) {
			return method(bind(method, name, args));
		}
		if (factory instanceof HeaderRoutePredicateFactory header) {
			return header(bind(header, name, args));
		}
		return null;
	}

	/**
	 * As {@link PathRoutePredicateFactory}: the raw path, the variables kept. (Spring Cloud Gateway
	 * 5.0 binds {@code matchTrailingSlash} but no longer applies it: a trailing slash must match.)
	 */
	private LeanRoute.RoutePredicate path(PathRoutePredicateFactory.Config config) {
		List<PathPattern> patterns = config.getPatterns().stream().map(this.parser::parse).toList();
		return (request, variables) -> {
			PathContainer path = PathContainer.parsePath(request.rawPath());
			for (PathPattern pattern : patterns) {
				if (pattern.matches(path)) {
					PathPattern.PathMatchInfo info = pattern.matchAndExtract(path);
					if (info != null) {
						variables.putAll(info.getUriVariables());
					}
					return true;
				}
			}
			return false;
		};
	}

	/** As {@link HostRoutePredicateFactory}: the {@code Host} header, port included, {@code .} separated. */
	private static LeanRoute.RoutePredicate host(HostRoutePredicateFactory.Config config) {
		AntPathMatcher matcher = new AntPathMatcher(".");
		List<String> patterns = List.copyOf(config.getPatterns());
		return (request, variables) -> {
			String host = request.headers().getFirst("Host");
			if (host == null) {
				return false;
			}
			for (String pattern : patterns) {
				if (matcher.match(pattern, host)) {
					variables.putAll(matcher.extractUriTemplateVariables(pattern, host));
					return true;
				}
			}
			return false;
		};
	}

	private static LeanRoute.RoutePredicate method(MethodRoutePredicateFactory.Config config) {
		Set<HttpMethod> methods = Set.copyOf(Arrays.asList(config.getMethods()));
		return (request, variables) -> methods.contains(request.method());
	}

	/** As {@link HeaderRoutePredicateFactory}: any of the header's comma-separated values, whole-matched. */
	private static LeanRoute.RoutePredicate header(HeaderRoutePredicateFactory.Config config) {
		String name = config.getHeader();
		Pattern pattern = StringUtils.hasText(config.getRegexp()) ? Pattern.compile(config.getRegexp()) : null;
		return (request, variables) -> {
			List<String> values = request.headers().getValuesAsList(name);
			if (values.isEmpty()) {
				return false;
			}
			if (pattern == null) {
				return true;
			}
			for (String value : values) {
				if (pattern.matcher(value).matches()) {
					return true;
				}
			}
			return false;
		};
	}

	/**
	 * Adds a supported filter's step; false when its value is a template (URI variables), which
	 * stays on the full chain.
	 */
	private boolean filter(FilterDefinition definition, List<LeanRoute.PathStep> path,
			List<LeanRoute.HeaderStep> request, List<LeanRoute.HeaderStep> response) {
		GatewayFilterFactory<?> factory = this.filters.get(definition.getName());
		String name = definition.getName();
		Map<String, String> args = definition.getArgs();
		switch (name) {
			case "StripPrefix" -> {
				int parts = bind((StripPrefixGatewayFilterFactory) factory, name, args).getParts();
				path.add((raw, variables) -> stripPrefix(raw, parts));
			}
			case "PrefixPath" -> {
				UriTemplate prefix = new UriTemplate(bind((PrefixPathGatewayFilterFactory) factory, name, args).getPrefix());
				path.add((raw, variables) -> prefix.expand(variables).getRawPath() + raw);
			}
			case "SetPath" -> {
				UriTemplate template = new UriTemplate(bind((SetPathGatewayFilterFactory) factory, name, args).getTemplate());
				path.add((raw, variables) -> template.expand(variables).getRawPath());
			}
			case "RewritePath" -> {
				RewritePathGatewayFilterFactory.Config config = bind((RewritePathGatewayFilterFactory) factory, name, args);
				Pattern regexp = Pattern.compile(config.getRegexp());
				String replacement = config.getReplacement().replace("$\\", "$");
				path.add((raw, variables) -> regexp.matcher(raw).replaceAll(replacement));
			}
			case "AddRequestHeader", "SetRequestHeader", "SetResponseHeader" -> {
				AbstractNameValueGatewayFilterFactory.NameValueConfig config = bind(
						(AbstractNameValueGatewayFilterFactory) factory, name, args);
				if (isTemplate(config.getValue())) {
					return false;
				}
				String header = config.getName();
				String value = config.getValue();
				(name.endsWith("ResponseHeader") ? response : request).add(name.startsWith("Add")
						? (headers) -> headers.add(header, value) : (headers) -> headers.set(header, value));
			}
			case "AddResponseHeader" -> {
				AddResponseHeaderGatewayFilterFactory.Config config = (AddResponseHeaderGatewayFilterFactory.Config) bind(
						(AddResponseHeaderGatewayFilterFactory) factory, name, args);
				if (isTemplate(config.getValue())) {
					return false;
				}
				String header = config.getName();
				String value = config.getValue();
				boolean override = config.isOverride();
				response.add((headers) -> {
					if (override || headers.getOrEmpty(header).stream().noneMatch(StringUtils::hasText)) {
						headers.add(header, value);
					}
				});
			}
			case "RemoveRequestHeader", "RemoveResponseHeader" -> {
				String header = bindName(factory, name, args);
				(name.equals("RemoveResponseHeader") ? response : request).add((headers) -> headers.remove(header));
			}
			case "RequestRateLimiter" -> {
				// allows everything (isAllowingEverything): nothing to do
			}
			default -> throw new IllegalStateException("Unsupported filter " + name);
		}
		return true;
	}

	@SuppressWarnings("unchecked")
	private String bindName(GatewayFilterFactory<?> factory, String name, Map<String, String> args) {
		return bind((AbstractGatewayFilterFactory<AbstractGatewayFilterFactory.NameConfig>) factory, name, args)
			.getName();
	}

	/** As {@link StripPrefixGatewayFilterFactory}: the first {@code parts} segments gone, a trailing slash kept. */
	static String stripPrefix(String raw, int parts) {
		String[] segments = StringUtils.tokenizeToStringArray(raw, "/");
		StringBuilder stripped = new StringBuilder("/");
		for (int i = parts; i < segments.length; i++) {
			if (stripped.length() > 1) {
				stripped.append('/');
			}
			stripped.append(segments[i]);
		}
		if (stripped.length() > 1 && raw.endsWith("/")) {
			stripped.append('/');
		}
		return stripped.toString();
	}

	private static boolean isTemplate(String value) {
		return value != null && value.indexOf('{') >= 0;
	}

	/** The route's response-timeout metadata (negative: none), else the global setting, as Spring Cloud Gateway reads them. */
	private Duration responseTimeout(Route route) {
		Object perRoute = route.getMetadata().get(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR);
		if (perRoute != null) {
			try {
				long millis = (perRoute instanceof Number number) ? number.longValue()
						: Long.parseLong(perRoute.toString());
				return (millis >= 0) ? Duration.ofMillis(millis) : null;
			}
			catch (NumberFormatException ex) {
				// as Spring Cloud Gateway: a malformed value falls back to the global setting
			}
		}
		return this.httpClient.getResponseTimeout();
	}

	private <T, F extends Configurable<T> & ShortcutConfigurable> T bind(F factory, String name,
			Map<String, String> args) {
		return this.configuration.with(factory).name(name).properties(args).bind();
	}

}
