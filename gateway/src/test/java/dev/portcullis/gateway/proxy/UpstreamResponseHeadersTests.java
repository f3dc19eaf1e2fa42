package dev.portcullis.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.portcullis.contract.AuthCookies;
import dev.portcullis.gateway.route.RoutePolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response pass against Spring Cloud Gateway's hop-by-hop filter, which it replaces: same
 * headers kept, without the copy; and no upstream but the auth service's route sets the auth
 * cookies.
 */
class UpstreamResponseHeadersTests {

	private static final UpstreamResponseHeaders PASS = new UpstreamResponseHeaders(new RoutePolicy(List.of()),
			List.of(AuthCookies.ACCESS, AuthCookies.REFRESH));

	private static final List<String> PLANTED = List.of("theme=dark; Path=/",
			AuthCookies.ACCESS + "=eyJhbGciOiJSUzI1NiJ9.forged.sig; Path=/; Secure; HttpOnly",
			AuthCookies.REFRESH + " =stolen; Path=/auth", "__HOST-ACCESS_TOKEN=x; Path=/", "lang=en",
			AuthCookies.ACCESS + "=; Max-Age=0; Path=/");

	static List<Map<String, List<String>>> upstreamHeaders() {
		return List.of(Map.of("Content-Type", List.of("text/plain"), "Content-Length", List.of("2")),
				Map.of("Connection", List.of("keep-alive"), "Keep-Alive", List.of("timeout=60"), "Content-Length",
						List.of("2"), "Set-Cookie", List.of("a=1", "b=2")),
				Map.of("connection", List.of("close, X-Internal"), "X-Internal", List.of("secret"), "Transfer-Encoding",
						List.of("chunked"), "Trailer", List.of("Expires"), "Upgrade", List.of("h2c"),
						"Proxy-Authenticate", List.of("Basic"), "X-Kept", List.of("yes")));
	}

	@ParameterizedTest
	@MethodSource("upstreamHeaders")
	void filterWhenUpstreamHeadersThenSameAsSpringCloudGatewayHopByHopFilterAndInPlace(Map<String, List<String>> sent) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/x"));
		HttpHeaders expected = HttpHeadersFilter.filter(List.of(new RemoveHopByHopHeadersFilter()), headers(sent),
				exchange, Type.RESPONSE);
		HttpHeaders input = headers(sent);

		HttpHeaders ours = HttpHeadersFilter.filter(List.of(PASS), input, exchange,
				Type.RESPONSE);

		assertThat(ours).isSameAs(input);
		assertThat(normalised(ours)).isEqualTo(normalised(expected));
	}

	@ParameterizedTest
	@MethodSource("upstreamHeaders")
	void copyWhenUpstreamHeadersThenResponseAsSpringCloudGatewaysRoutingFilterLeavesIt(Map<String, List<String>> sent) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/x"));
		io.netty.handler.codec.http.HttpHeaders received = new DefaultHttpHeaders();
		sent.forEach(received::add);
		HttpHeaders expected = new HttpHeaders();
		expected.add("X-Set-Before", "1");
		expected.add(HttpHeaders.TRANSFER_ENCODING, "chunked");
		HttpHeaders copied = new HttpHeaders();
		received.forEach((header) -> copied.add(header.getKey(), header.getValue()));
		HttpHeaders filtered = new RemoveHopByHopHeadersFilter().filter(copied, exchange);
		if (!filtered.containsHeader(HttpHeaders.TRANSFER_ENCODING) && filtered.containsHeader(HttpHeaders.CONTENT_LENGTH)) {
			expected.remove(HttpHeaders.TRANSFER_ENCODING);
		}
		expected.addAll(filtered);
		HttpHeaders response = new HttpHeaders();
		response.add("X-Set-Before", "1");
		response.add(HttpHeaders.TRANSFER_ENCODING, "chunked");

		Set<String> added = PASS.copy(received, response, exchange);

		assertThat(normalised(response)).isEqualTo(normalised(expected));
		assertThat(added).containsExactlyInAnyOrderElementsOf(filtered.headerNames());
	}

	@Test
	void filterWhenUpstreamRouteSetsAuthCookiesThenOnlyThoseRemoved() {
		HttpHeaders input = new HttpHeaders();
		input.put(HttpHeaders.SET_COOKIE, PLANTED);
		input.add("X-Kept", "yes");

		HttpHeaders ours = PASS.filter(input, exchangeOn(route(Map.of())));

		assertThat(ours.get(HttpHeaders.SET_COOKIE)).containsExactly("theme=dark; Path=/", "lang=en");
		assertThat(ours.get("X-Kept")).containsExactly("yes");
	}

	@Test
	void filterWhenOnlyAuthCookiesSetThenNoSetCookieLeft() {
		HttpHeaders input = new HttpHeaders();
		input.add(HttpHeaders.SET_COOKIE, AuthCookies.ACCESS + "=forged; Path=/");

		HttpHeaders ours = PASS.filter(input, exchangeOn(route(Map.of())));

		assertThat(ours.containsHeader(HttpHeaders.SET_COOKIE)).isFalse();
	}

	@Test
	void copyWhenUpstreamRouteSetsAuthCookiesThenOnlyThoseLeftOut() {
		io.netty.handler.codec.http.HttpHeaders received = new DefaultHttpHeaders();
		PLANTED.forEach((value) -> received.add(HttpHeaders.SET_COOKIE, value));
		HttpHeaders response = new HttpHeaders();

		Set<String> added = PASS.copy(received, response, exchangeOn(route(Map.of("public", true))));

		assertThat(response.get(HttpHeaders.SET_COOKIE)).containsExactly("theme=dark; Path=/", "lang=en");
		assertThat(added).containsExactly(HttpHeaders.SET_COOKIE);
	}

	@Test
	void filterAndCopyWhenAuthServiceRouteSetsAuthCookiesThenKept() {
		MockServerWebExchange exchange = exchangeOn(route(Map.of(RoutePolicy.FORWARD_AUTH_COOKIES, true)));
		HttpHeaders input = new HttpHeaders();
		input.put(HttpHeaders.SET_COOKIE, PLANTED);
		io.netty.handler.codec.http.HttpHeaders received = new DefaultHttpHeaders();
		PLANTED.forEach((value) -> received.add(HttpHeaders.SET_COOKIE, value));
		HttpHeaders response = new HttpHeaders();

		HttpHeaders filtered = PASS.filter(input, exchange);
		PASS.copy(received, response, exchange);

		assertThat(filtered.get(HttpHeaders.SET_COOKIE)).containsExactlyElementsOf(PLANTED);
		assertThat(response.get(HttpHeaders.SET_COOKIE)).containsExactlyElementsOf(PLANTED);
	}

	private static Route route(Map<String, Object> metadata) {
		return Route.async().id("r").uri("http://upstream").predicate((exchange) -> true).metadata(metadata).build();
	}

	private static MockServerWebExchange exchangeOn(Route route) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/x"));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		return exchange;
	}

	private static HttpHeaders headers(Map<String, List<String>> sent) {
		HttpHeaders headers = new HttpHeaders();
		sent.forEach(headers::addAll);
		return headers;
	}

	private static Map<String, List<String>> normalised(HttpHeaders headers) {
		Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.forEach((name, values) -> byName.computeIfAbsent(name, (n) -> new ArrayList<>()).addAll(values));
		return byName;
	}

}
