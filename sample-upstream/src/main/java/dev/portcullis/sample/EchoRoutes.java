package dev.portcullis.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Answers every request with what it received: method, path, query, the identity the gateway
 * asserted, every header and every cookie. Cookie values are shown, so never put it in front of
 * real users; it exists to show what a backend sees.
 */
@Configuration(proxyBeanMethods = false)
class EchoRoutes {

	static final List<String> IDENTITY_HEADERS = List.of("X-User-Id", "X-User-Roles", "X-Session-Id");

	@Bean
	RouterFunction<ServerResponse> echo() {
		return RouterFunctions.route((request) -> true, this::handle);
	}

	private Mono<ServerResponse> handle(ServerRequest request) {
		return request.bodyToMono(String.class)
			.defaultIfEmpty("")
			.flatMap((body) -> ServerResponse.ok().bodyValue(describe(request.exchange().getRequest(), body)));
	}

	static Map<String, Object> describe(ServerHttpRequest request, String body) {
		Map<String, Object> echo = new LinkedHashMap<>();
		echo.put("service", "sample-upstream");
		echo.put("method", request.getMethod().name());
		echo.put("path", request.getPath().value());
		echo.put("query", request.getURI().getRawQuery());
		Map<String, String> identity = new LinkedHashMap<>();
		for (String name : IDENTITY_HEADERS) {
			identity.put(name, request.getHeaders().getFirst(name));
		}
		echo.put("identity", identity);
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		request.getHeaders().forEach(headers::put);
		echo.put("headers", headers);
		Map<String, List<String>> cookies = new TreeMap<>();
		request.getCookies().forEach((name, values) -> cookies.put(name, values.stream().map(HttpCookie::getValue).toList()));
		echo.put("cookies", cookies);
		echo.put("bodyLength", body.length());
		return echo;
	}

}
